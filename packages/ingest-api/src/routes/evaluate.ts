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
import { BODY_ERRORS, errorResponse } from '../http/openapi-responses.js'
import { parseOr400 } from '../http/validate.js'

// Four texts of at most 100,000 characters each, as UTF-8, fit comfortably.
const EVALUATE_BODY_LIMIT = 4 * 2 ** 20

/** The seed document's single-evaluator paths, plus `comprehensive` for all of them. */
const SEED_PATHS = ['toxicity', 'bias', 'hallucination', 'jailbreak', 'comprehensive'] as const

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
      ...(body.toolOutputs === undefined ? {} : { toolOutputs: body.toolOutputs }),
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
      if (error instanceof EvaluatorError && error.code === 'invalid_input') {
        throw new ApiError(400, 'bad_request', error.message)
      }
      if (error instanceof EvaluatorError && error.code === 'overloaded') {
        throw new ApiError(503, 'service_unavailable', 'evaluators are overloaded; retry', {
          retryAfterSeconds: 1,
        })
      }
      throw error
    }
  }

  /** Registers one evaluate route: its docs, its scope check and its handler. */
  const route = (path: string, summary: string, evaluators?: string[]): void => {
    app.openAPIRegistry.registerPath({
      method: 'post',
      path,
      summary,
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
        503: errorResponse('No evaluators loaded in this process, or overloaded'),
      },
    })
    app.use(path, requireScope('ingest', 'read'))
    app.post(path, async (c) => {
      const body = parseOr400(
        evaluateRequestSchema,
        await readJsonBody(c, EVALUATE_BODY_LIMIT),
        'body',
      )
      return c.json(await evaluate(evaluators === undefined ? body : { ...body, evaluators }), 200)
    })
  }

  route('/v1/evaluate', 'Evaluate text now (nothing stored)')
  for (const name of SEED_PATHS) {
    if (name === 'comprehensive') route(`/api/v1/evaluate/${name}`, 'Alias of POST /v1/evaluate')
    else route(`/api/v1/evaluate/${name}`, `POST /v1/evaluate with evaluators: [${name}]`, [name])
  }
  return app
}
