import { BODY_ERRORS } from '../http/openapi-responses.js'
import { OpenAPIHono } from '@hono/zod-openapi'
import { EvaluatorError, type EvaluatorSuite } from '@anansi/evaluator'
import {
  componentRef,
  evaluateRequestSchema,
  type EvaluateRequest,
  type EvaluateResponse,
} from '@anansi/protocol'
import { ApiError } from '../http/api-error.js'
import { requireScope, type AuthVariables } from '../http/auth.js'
import { readJsonBody } from '../http/json-body.js'
import { parseOr400 } from '../http/validate.js'

// Four texts of at most 100,000 characters each, as UTF-8, fit comfortably.
const EVALUATE_BODY_LIMIT = 4 * 2 ** 20

const errors = { content: { 'application/json': { schema: componentRef('errorBody') } } }

/** POST /v1/evaluate (and the seed's /api/v1/evaluate/* paths): synchronous evaluation, nothing stored. */
export function evaluateRoutes(
  suite: EvaluatorSuite | undefined,
): OpenAPIHono<{ Variables: AuthVariables }> {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>()

  const evaluate = async (body: EvaluateRequest): Promise<EvaluateResponse> => {
    if (!suite)
      throw new ApiError(503, 'service_unavailable', 'this replica runs without evaluators')
    if (body.input === undefined && body.output === undefined) {
      throw new ApiError(400, 'validation_failed', 'send input, output or both', {
        issues: [{ path: ['body'], code: 'custom', message: 'input or output is required' }],
      })
    }
    const call = {
      ...(body.input === undefined ? {} : { input: body.input }),
      ...(body.output === undefined ? {} : { output: body.output }),
      ...(body.context === undefined ? {} : { context: body.context }),
    }
    try {
      const { evaluations, decision } = await suite.comprehensive(call, undefined, body.evaluators)
      return {
        safe: decision.safe,
        action: decision.action,
        score: decision.score,
        policy: decision.policy,
        evaluations,
      }
    } catch (error) {
      if (error instanceof EvaluatorError && error.code === 'invalid_input')
        throw new ApiError(400, 'bad_request', error.message)
      if (error instanceof EvaluatorError && error.code === 'overloaded')
        throw new ApiError(503, 'service_unavailable', 'evaluators are overloaded; retry', {
          retryAfterSeconds: 1,
        })
      throw error
    }
  }

  app.use('/v1/evaluate', requireScope('ingest', 'read'))
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/evaluate',
    summary: 'Evaluate text now (nothing stored)',
    security: [{ bearer: [] }],
    request: {
      body: {
        content: { 'application/json': { schema: componentRef('evaluateRequest') } },
        required: true,
      },
    },
    responses: {
      ...BODY_ERRORS,
      200: {
        description: 'Results and decision',
        content: { 'application/json': { schema: componentRef('evaluateResponse') } },
      },
      400: { description: 'Invalid body or unknown evaluator', ...errors },
      503: { description: 'No evaluators loaded in this process', ...errors },
    },
  })
  app.post('/v1/evaluate', async (c) => {
    const body = parseOr400(
      evaluateRequestSchema,
      await readJsonBody(c, EVALUATE_BODY_LIMIT),
      'body',
    )
    return c.json(await evaluate(body), 200)
  })

  // The seed document's paths: one evaluator each, or all of them for `comprehensive`.
  for (const name of ['toxicity', 'bias', 'hallucination', 'jailbreak', 'comprehensive'] as const) {
    const path = `/api/v1/evaluate/${name}`
    app.use(path, requireScope('ingest', 'read'))
    app.openAPIRegistry.registerPath({
      method: 'post',
      path,
      summary:
        name === 'comprehensive'
          ? 'Alias of POST /v1/evaluate'
          : `POST /v1/evaluate with evaluators: [${name}]`,
      security: [{ bearer: [] }],
      request: {
        body: {
          content: { 'application/json': { schema: componentRef('evaluateRequest') } },
          required: true,
        },
      },
      responses: {
        ...BODY_ERRORS,
        200: {
          description: 'Results and decision',
          content: { 'application/json': { schema: componentRef('evaluateResponse') } },
        },
        400: { description: 'Invalid body', ...errors },
      },
    })
    app.post(path, async (c) => {
      const body = parseOr400(
        evaluateRequestSchema,
        await readJsonBody(c, EVALUATE_BODY_LIMIT),
        'body',
      )
      return c.json(
        await evaluate(name === 'comprehensive' ? body : { ...body, evaluators: [name] }),
        200,
      )
    })
  }
  return app
}
