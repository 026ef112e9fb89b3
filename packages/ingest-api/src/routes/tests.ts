import {
  componentRef,
  TEST_RUN_FINAL_STATES,
  testReportFormatSchema,
  testRunComparisonSchema,
  testRunRequestSchema,
  type TestReportFormat,
} from '@anansi/protocol'
import type { ProjectStore, Store, TestRun } from '@anansi/store'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { ApiError, validationError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { AUTH_ERRORS, BODY_ERRORS, errorResponse } from '../http/openapi-responses.js'
import { arrayOf, jsonContent, objectOf } from '../http/openapi-schemas.js'
import { parseOr400 } from '../http/validate.js'
import { webhookUrlProblem } from '../http/webhook-target.js'
import {
  parseResultCursor,
  resultCursor,
  testResultBody,
  testRunBody,
} from '../tests/test-run-body.js'
import type { TestRunService } from '../tests/test-run-service.js'

/** What the test-run routes need besides the store. */
export interface TestRouteOptions {
  /** Runs suites; without it starting and cancelling answer 503 (reading still works). */
  service: TestRunService | undefined
  /** Accept literal private, loopback and link-local base URLs (local models, tests). */
  allowPrivateTargets: boolean
}

const BODY_LIMIT = 16 * 1024
const DEFAULT_PAGE = 200
const MAX_PAGE = 1000

const idParam = z.object({ id: z.uuid() })
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('cursor: runs created before this time'),
})
const resultsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
  cursor: z.string().min(1).max(1024).optional().describe('`nextCursor` of the previous page'),
})
const reportQuery = z.object({
  format: testReportFormatSchema
    .default('json')
    .describe('json (anansi-test-report/v1), html (self-contained page) or junit (XML)'),
})
const compareParams = z.object({
  id: z.uuid().describe('the run compared (b)'),
  baseline: z.uuid().describe('the run it is compared with (a)'),
})
/** Media types and download names of the report formats. */
const REPORT_MEDIA: Record<TestReportFormat, { type: string; file: string }> = {
  json: { type: 'application/json; charset=utf-8', file: 'report.json' },
  html: { type: 'text/html; charset=utf-8', file: 'report.html' },
  junit: { type: 'application/xml; charset=utf-8', file: 'junit.xml' },
}
/**
 * The HTML report is served from the API's origin: its own inline style and script only, nothing
 * loaded, and sandboxed to an opaque origin so even a flaw in escaping model output could not act
 * as the API.
 */
const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox allow-scripts"
const oneRun = jsonContent(componentRef('testRun'))
const notFound = errorResponse('No such test run in this project')
const unavailable = errorResponse('No test runner in this process, or it is busy')

function noSuchRun(): ApiError {
  return new ApiError(404, 'not_found', 'no such test run in this project')
}

function noRunner(): ApiError {
  return new ApiError(503, 'service_unavailable', 'this server runs no safety test runner')
}

function noReports(): ApiError {
  return new ApiError(503, 'service_unavailable', 'this server has no test runner to build reports')
}

function notEnded(run: TestRun): ApiError {
  return new ApiError(
    409,
    'conflict',
    `run ${run.id} is ${run.status}: its report is made once it ends (completed, cancelled or failed); follow it on WS /ws/tests/${run.id}`,
  )
}

function hasEnded(run: TestRun): boolean {
  return (TEST_RUN_FINAL_STATES as readonly string[]).includes(run.status)
}

async function findRun(project: ProjectStore, id: string): Promise<TestRun> {
  const run = await project.getTestRun(id)
  if (run === undefined) throw noSuchRun()
  return run
}

/**
 * A run as it should be shown: one left `queued`/`running` by a process that is gone (a restart)
 * is first stored as failed by the runner, so it does not read as running forever.
 */
async function settledRun(
  service: TestRunService | undefined,
  project: ProjectStore,
  run: TestRun,
): Promise<TestRun> {
  if (service?.settle === undefined || hasEnded(run)) return run
  return service.settle(project, run)
}

/**
 * Safety test runs (the seed's `/api/v1/tests/*`): start and cancel need the admin scope (a run
 * spends the caller's provider credits); status, results, reports, comparisons and the list
 * need read. Every run
 * belongs to the key's project: another project's run id is a 404.
 */
export function testRoutes(
  store: Store,
  options: TestRouteOptions,
): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()
  const { service } = options
  const project = (projectId: string) => store.forProject(projectId)
  const security = [{ bearer: [] }]
  const read = requireScope('read')
  const admin = requireScope('admin')

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/tests',
    summary: "The project's test runs, newest first",
    security,
    request: { query: listQuery },
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'Runs', ...jsonContent(objectOf({ runs: arrayOf('testRun') })) },
    },
  })
  app.get('/api/v1/tests', read, async (c) => {
    const query = parseOr400(listQuery, c.req.query(), 'query')
    const scoped = project(c.get('auth').projectId)
    const runs = await scoped.listTestRuns({
      limit: query.limit ?? 50,
      ...(query.before === undefined ? {} : { before: query.before }),
    })
    const shown = await Promise.all(runs.map((run) => settledRun(service, scoped, run)))
    return c.json({ runs: shown.map(testRunBody) }, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/v1/tests/run',
    summary: 'Start a safety test run against a model; follow it on WS /ws/tests/{id}',
    description:
      'Runs built-in suites (optionally through jailbreak strategies) against an OpenAI, ' +
      'OpenAI-compatible or Anthropic model, judges every answer and stores the results. ' +
      '`apiKey` is kept in memory for this run only: never stored, logged or returned. Literal ' +
      'private and loopback base URLs are refused unless the server allows them.',
    security,
    request: { body: { ...jsonContent(componentRef('testRunRequest')), required: true } },
    responses: {
      ...BODY_ERRORS,
      202: { description: 'Started: the run, queued', ...oneRun },
      503: unavailable,
    },
  })
  app.post('/api/v1/tests/run', admin, async (c) => {
    if (service === undefined) throw noRunner()
    const body = parseOr400(testRunRequestSchema, await readJsonBody(c, BODY_LIMIT), 'body')
    const problem =
      body.baseURL === undefined
        ? undefined
        : webhookUrlProblem(body.baseURL, options.allowPrivateTargets)
    if (problem !== undefined)
      throw validationError('invalid base URL', [{ path: ['body', 'baseURL'], ...problem }])
    const started = await service.start(project(c.get('auth').projectId), body)
    if (!started.ok) {
      if (started.reason === 'busy')
        throw new ApiError(503, 'service_unavailable', started.message, {
          retryAfterSeconds: started.retryAfterSeconds ?? 30,
        })
      throw validationError(
        started.message,
        started.issues.map((issue) => ({ ...issue, path: ['body', ...issue.path] })),
      )
    }
    c.header('location', `/api/v1/tests/${started.run.id}/status`)
    return c.json(testRunBody(started.run), 202)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/tests/{id}/status',
    summary: "A run's state, progress and (once ended) scores",
    security,
    request: { params: idParam },
    responses: { ...AUTH_ERRORS, 200: { description: 'The run', ...oneRun }, 404: notFound },
  })
  app.get('/api/v1/tests/:id/status', read, async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const scoped = project(c.get('auth').projectId)
    return c.json(testRunBody(await settledRun(service, scoped, await findRun(scoped, id))), 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/tests/{id}/results',
    summary: "A run's judged results, in (scenario, strategy) order, a page at a time",
    security,
    request: { params: idParam, query: resultsQuery },
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'Results', ...jsonContent(componentRef('testResultPage')) },
      404: notFound,
    },
  })
  app.get('/api/v1/tests/:id/results', read, async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const query = parseOr400(resultsQuery, c.req.query(), 'query')
    const after = query.cursor === undefined ? undefined : parseResultCursor(query.cursor)
    if (query.cursor !== undefined && after === undefined)
      throw validationError('invalid query', [
        { path: ['query', 'cursor'], code: 'custom', message: 'not a cursor from nextCursor' },
      ])
    const scoped = project(c.get('auth').projectId)
    await findRun(scoped, id)
    const limit = query.limit ?? DEFAULT_PAGE
    // One extra row tells whether another page exists.
    const rows = await scoped.listTestResults(id, {
      limit: limit + 1,
      ...(after === undefined ? {} : { after }),
    })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return c.json(
      {
        results: page.map(testResultBody),
        ...(rows.length > limit && last !== undefined ? { nextCursor: resultCursor(last) } : {}),
      },
      200,
    )
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/tests/{id}/report',
    summary: "An ended run's report: JSON, self-contained HTML or JUnit XML",
    description:
      'The report `anansi test run` writes, built from the stored run and every stored result. ' +
      'A run still queued or running answers 409. A cancelled or failed run gets a partial ' +
      'report, marked as such: `run.status` in JSON, a banner in HTML, the `anansi.run.status` ' +
      'property of every JUnit testsuite. A failed run has no stored scores; they are recomputed ' +
      'from its built-in suites (409 when they cannot be).',
    security,
    request: { params: idParam, query: reportQuery },
    responses: {
      ...AUTH_ERRORS,
      200: {
        description: 'The report, as `format` asks',
        content: {
          'application/json': { schema: componentRef('testReport') },
          'text/html': { schema: { type: 'string', description: 'a self-contained HTML page' } },
          'application/xml': {
            schema: { type: 'string', description: 'JUnit XML: a testsuite per category' },
          },
        },
      },
      404: notFound,
      409: errorResponse('The run has not ended, or ended with no scores to report'),
      503: errorResponse('No test runner in this process to build the report'),
    },
  })
  app.get('/api/v1/tests/:id/report', read, async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    const { format } = parseOr400(reportQuery, c.req.query(), 'query')
    const scoped = project(c.get('auth').projectId)
    const run = await settledRun(service, scoped, await findRun(scoped, id))
    if (service?.report === undefined) throw noReports()
    if (!hasEnded(run)) throw notEnded(run)
    const made = await service.report(scoped, run, format)
    if (!made.ok) throw new ApiError(409, 'conflict', made.message)
    const media = REPORT_MEDIA[format]
    c.header('content-type', media.type)
    c.header('content-disposition', `inline; filename="anansi-${run.id}-${media.file}"`)
    if (format === 'html') c.header('content-security-policy', REPORT_CSP)
    return c.body(made.body, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/tests/{id}/compare/{baseline}',
    summary: 'How a run differs from a baseline run, scenario by scenario, and whether it matters',
    description:
      'Pairs the two runs by (scenario, strategy), leaving provider errors out, as ' +
      '`anansi test compare BASELINE RUN` does: regressions (passed in the baseline, failed ' +
      'now), fixes, the change in pass rate with a paired bootstrap 95% interval, and an exact ' +
      'McNemar test (significant below 0.05). Both runs must have ended (409 otherwise).',
    security,
    request: { params: compareParams },
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'The comparison', ...jsonContent(componentRef('testRunComparison')) },
      404: notFound,
      409: errorResponse('One of the runs has not ended'),
      503: errorResponse('No test runner in this process to compare with'),
    },
  })
  app.get('/api/v1/tests/:id/compare/:baseline', read, async (c) => {
    const { id, baseline } = parseOr400(compareParams, c.req.param(), 'params')
    const scoped = project(c.get('auth').projectId)
    const runB = await settledRun(service, scoped, await findRun(scoped, id))
    const runA = await settledRun(service, scoped, await findRun(scoped, baseline))
    if (service?.compare === undefined) throw noReports()
    for (const run of [runA, runB]) if (!hasEnded(run)) throw notEnded(run)
    // The runner is injected: what reaches the client is held to the contract.
    const comparison = testRunComparisonSchema.parse(await service.compare(scoped, runA, runB))
    return c.json(comparison, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/api/v1/tests/{id}',
    summary: 'Cancel a run; answers once it is stored as cancelled (results so far are kept)',
    security,
    request: { params: idParam },
    responses: {
      ...AUTH_ERRORS,
      200: { description: 'The cancelled run', ...oneRun },
      404: notFound,
      409: errorResponse('The run has ended, or executes in another process'),
      503: unavailable,
    },
  })
  app.delete('/api/v1/tests/:id', admin, async (c) => {
    const { id } = parseOr400(idParam, c.req.param(), 'params')
    if (service === undefined) throw noRunner()
    const projectId = c.get('auth').projectId
    const scoped = project(projectId)
    const run = await findRun(scoped, id)
    if (!hasEnded(run) && (await service.cancel(projectId, id)))
      return c.json(testRunBody(await findRun(scoped, id)), 200)
    // Read again: the run may have ended between the first read and the cancel.
    const now = await settledRun(service, scoped, await findRun(scoped, id))
    if (hasEnded(now))
      throw new ApiError(409, 'conflict', `the run has already ended (${now.status})`)
    throw new ApiError(
      409,
      'conflict',
      'the run does not execute in this process (another replica runs it, or a restart interrupted it)',
    )
  })
  return app
}
