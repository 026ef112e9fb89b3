import type { Bus, Producer } from '@anansi/bus'
import type { EvaluatorSuite } from '@anansi/evaluator'
import { TOPICS, openApiComponents } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { OpenAPIHono } from '@hono/zod-openapi'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import { authenticate, type AuthVariables } from './http/auth.js'
import { errorHandler, notFoundHandler, type ErrorReporter } from './http/error-handlers.js'
import { createMetrics, type IngestMetrics } from './http/metrics.js'
import { rateLimit, TokenBuckets, type RateLimitOptions } from './http/rate-limit.js'
import { EventHub } from './ingest/event-hub.js'
import { RecentIds } from './ingest/recent-ids.js'
import { alertRuleRoutes } from './routes/alert-rules.js'
import { alertRoutes } from './routes/alerts.js'
import { apiDocsPage } from './routes/docs.js'
import { evaluateRoutes } from './routes/evaluate.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { keyRoutes } from './routes/keys.js'
import { otlpRoutes } from './routes/otlp.js'
import { projectRoutes } from './routes/project.js'
import { streamRoutes } from './routes/stream.js'
import { testRoutes } from './routes/tests.js'
import { webhookRoutes } from './routes/webhooks.js'
import type { TestRunService } from './tests/test-run-service.js'
import { VerdictHub } from './verdicts/verdict-hub.js'
import { Registry } from 'prom-client'

/** Everything the API is built from; the CLI (composition root) creates these from configuration. */
export interface IngestOptions {
  store: Store
  bus: Bus
  /**
   * The topic accepted events are published to and /readyz checks (default `anansi.events`); give
   * the event feed the same one. Tests and side-by-side environments pass their own.
   */
  eventsTopic?: string
  /** Evaluators for POST /v1/evaluate; without them that route answers 503. */
  suite?: EvaluatorSuite
  /** Per API key; default 200 requests/s with bursts of 400. */
  rateLimit?: RateLimitOptions
  /** Browser origins allowed to call the API (none by default). */
  corsOrigins?: string[]
  /** Where unexpected errors go (they never reach the client). */
  report?: ErrorReporter
  /**
   * Accept webhook URLs whose host is a literal private, loopback or link-local address (local
   * development, tests); off by default. Give the webhook dispatcher the same switch. It also
   * lets a safety test run target such a base URL (a local model).
   */
  allowPrivateWebhookTargets?: boolean
  /**
   * Runs safety test suites for `/api/v1/tests/*` (the CLI passes `@anansi/test-runner`'s);
   * without it starting and cancelling a run answer 503, reading stored runs still works.
   */
  testRuns?: TestRunService
  /**
   * More Prometheus registries served on this API's /metrics, e.g. the stream processor's when it
   * runs in the same process (`anansi dev`); metric names must not collide.
   */
  extraMetrics?: Registry[]
  /** Process metrics (GC, event loop) on /metrics; off for tests that build many apps. */
  processMetrics?: boolean
  now?: () => Date
}

/** The built API: the Hono app plus what its host must wire or close. */
export interface IngestApi {
  app: OpenAPIHono<{ Variables: AuthVariables }>
  hub: VerdictHub
  /** Live events for SSE streams; `startEventFeed` makes it follow the bus (several replicas). */
  events: EventHub
  metrics: IngestMetrics
  producer: Producer
  /** Closes the producer; the store and bus belong to the caller. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Builds the ingestion API. Handlers are plain Hono, testable with `app.request()`; serve it with
 * `@hono/node-server`.
 * @example const api = createIngestApi({ store, bus }); serve({ fetch: api.app.fetch, port: 7700 })
 */
export function createIngestApi(options: IngestOptions): IngestApi {
  const metrics = createMetrics(options.processMetrics ?? false)
  const hub = new VerdictHub()
  const producer = options.bus.createProducer()
  const recent = new RecentIds()
  const live = new EventHub()
  const eventsTopic = options.eventsTopic ?? TOPICS.events
  const now = options.now ?? (() => new Date())
  const report = options.report ?? ((error: unknown) => console.error('[ingest-api]', error))
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({
    // zod-openapi's own validation failures (params, query, JSON bodies) use the protocol's body.
    defaultHook: (result, c) => {
      if (result.success) return undefined
      const issues = result.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        code: i.code,
        message: i.message,
      }))
      return c.json(
        {
          error: {
            code: 'validation_failed' as const,
            message: 'the request is invalid',
            details: { issues },
          },
        },
        400,
      )
    },
  })
  app.onError(errorHandler(report))
  app.notFound(notFoundHandler)
  app.use('*', secureHeaders())
  if (options.corsOrigins && options.corsOrigins.length > 0)
    app.use(
      '*',
      cors({
        origin: options.corsOrigins,
        allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
      }),
    )
  app.use('*', async (c, next) => {
    const started = performance.now()
    await next()
    const route = c.req.routePath
    metrics.requests.inc({ route, status: String(c.res.status) })
    metrics.duration.observe({ route }, (performance.now() - started) / 1000)
  })
  const exported =
    options.extraMetrics === undefined || options.extraMetrics.length === 0
      ? metrics.registry
      : Registry.merge([metrics.registry, ...options.extraMetrics])
  app.route('/', healthRoutes(options.store, options.bus, eventsTopic, exported))
  // One bucket set for every authenticated route, so the seed aliases share the key's budget.
  const guard = [
    authenticate(options.store),
    rateLimit(new TokenBuckets(options.rateLimit ?? { perSecond: 200, burst: 400 })),
  ] as const
  app.use('/v1/*', ...guard)
  app.use('/api/v1/*', ...guard)
  app.route(
    '/',
    eventRoutes({
      store: options.store,
      producer,
      eventsTopic,
      recent,
      live,
      hub,
      metrics,
      now,
    }),
  )
  app.route(
    '/',
    otlpRoutes({ store: options.store, producer, eventsTopic, recent, live, metrics, now }),
  )
  app.route('/', evaluateRoutes(options.suite))
  app.route('/', keyRoutes(options.store, now))
  app.route('/', projectRoutes(options.store))
  app.route('/', alertRoutes(options.store))
  app.route('/', alertRuleRoutes(options.store))
  app.route(
    '/',
    webhookRoutes(options.store, {
      allowPrivateTargets: options.allowPrivateWebhookTargets ?? false,
    }),
  )
  app.route('/', streamRoutes(live, hub))
  app.route(
    '/',
    testRoutes(options.store, {
      service: options.testRuns,
      allowPrivateTargets: options.allowPrivateWebhookTargets ?? false,
    }),
  )
  for (const [name, schema] of Object.entries(openApiComponents()))
    app.openAPIRegistry.registerComponent('schemas', name, schema as object)
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An Anansi API key (ansk_…)',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Anansi Watchdog ingestion API', version: '0.1.0' },
  })
  app.get('/docs', (c) => c.html(apiDocsPage('/openapi.json')))
  let closed = false
  return {
    app,
    hub,
    events: live,
    metrics,
    producer,
    async close() {
      if (closed) return
      closed = true
      await producer.close()
    },
  }
}
