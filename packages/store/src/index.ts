export { openStore, storeFor, type ProjectStore, type Store, type StoreOptions } from './store.js'
export type { Connection, Database, DriverName } from './drivers/database.js'
export { connectPglite, type PgliteConnection, type PgliteOptions } from './drivers/pglite.js'
export { connectPostgres, type PostgresOptions } from './drivers/postgres-js.js'
export { StoreError, type StoreErrorCode } from './errors.js'
export { toStorable, toStorableText } from './sanitize.js'
export { queryRows } from './raw-query.js'
export { API_KEY_TAG, apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-secret.js'
export type { ApiKeyInfo, ApiKeyScope, VerifiedApiKey } from './repositories/api-keys.js'
export type { EventQuery, InsertOutcome, StoredEvent } from './repositories/events.js'
export type { Project } from './repositories/projects.js'
export type { AlertQuery, NewAlert, RuleFiring } from './repositories/alerts.js'
export type { DetectorStateRow } from './repositories/detector-state.js'
export type { ProcessedBatch, ProcessedOutcome } from './repositories/processed-batch.js'
export type { DeliveryQuery } from './repositories/webhook-deliveries.js'
export type {
  TestOutcome,
  TestResult,
  TestResultInput,
  TestResultQuery,
  TestRun,
  TestRunCreate,
  TestRunQuery,
  TestRunStatus,
  TestRunUpdate,
} from './repositories/test-runs.js'
export {
  MAX_DELIVERY_ERROR_CHARS,
  type DeliveryAttempt,
  type DeliveryJob,
} from './repositories/delivery-queue.js'
export { WEBHOOK_SECRET_TAG, generateWebhookSecret } from './webhook-secret.js'
export {
  API_KEY_SCOPES,
  DELIVERY_STATUSES,
  SEVERITIES,
  aiModels,
  alertRules,
  alerts,
  apiKeys,
  apiUsage,
  detectorState,
  discussions,
  evaluations,
  events,
  modelScores,
  projectMembers,
  projects,
  submissionVotes,
  testResults,
  testRuns,
  testScenarios,
  testSubmissions,
  users,
  verdicts,
  webhookDeliveries,
  webhooks,
} from './schema/index.js'
