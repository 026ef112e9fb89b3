export { createIngestApi, type IngestApi, type IngestOptions } from './app.js'
export { ApiError } from './http/api-error.js'
export type { AuthVariables } from './http/auth.js'
export type { ErrorReporter } from './http/error-handlers.js'
export { TokenBuckets, type RateLimitOptions } from './http/rate-limit.js'
export { VerdictHub } from './verdicts/verdict-hub.js'
export { startEventFeed, type EventFeed } from './feeds/event-feed.js'
export { startVerdictFeed, type FeedErrorReporter } from './feeds/verdict-feed.js'
export { EventHub } from './ingest/event-hub.js'
export { attachVerdictSocket, type VerdictSocketOptions } from './verdicts/verdict-socket-server.js'
export { attachTestRunSocket, type TestRunSocketOptions } from './tests/test-run-socket-server.js'
export type {
  TestRunRejection,
  TestRunService,
  TestRunStartResult,
} from './tests/test-run-service.js'
