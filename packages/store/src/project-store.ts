import type {
  Alert,
  AlertRule,
  AlertRuleCreate,
  AlertRuleUpdate,
  EvaluationResult,
  LlmEvent,
  Verdict,
  WebhookCreate,
  WebhookCreated,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookUpdate,
} from '@anansi/protocol'
import type { Database } from './drivers/database.js'
import {
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  updateAlertRule,
} from './repositories/alert-rules.js'
import {
  acknowledgeAlert,
  getAlert,
  lastRuleFirings,
  listAlerts,
  resolveAlert,
  type AlertQuery,
  type RuleFiring,
} from './repositories/alerts.js'
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyInfo,
  type ApiKeyScope,
} from './repositories/api-keys.js'
import { loadDetectorStates, type DetectorStateRow } from './repositories/detector-state.js'
import {
  existingEventIds,
  getEvent,
  insertEvents,
  listEvents,
  type EventQuery,
  type InsertOutcome,
  type StoredEvent,
} from './repositories/events.js'
import {
  recordProcessed,
  type ProcessedBatch,
  type ProcessedOutcome,
} from './repositories/processed-batch.js'
import {
  getVerdict,
  getVerdicts,
  listEvaluations,
  listVerdictsAfter,
  recordVerdict,
} from './repositories/verdicts.js'
import {
  createTestRun,
  getTestRun,
  listTestResults,
  listTestRuns,
  recordTestResults,
  updateTestRun,
  type TestResult,
  type TestResultInput,
  type TestResultQuery,
  type TestRun,
  type TestRunCreate,
  type TestRunQuery,
  type TestRunUpdate,
} from './repositories/test-runs.js'
import { listDeliveries, type DeliveryQuery } from './repositories/webhook-deliveries.js'
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from './repositories/webhooks.js'

/**
 * Everything one project (tenant) may touch. There is no way to reach another project's rows
 * through it: the project id is bound here, once, from the verified API key.
 */
export interface ProjectStore {
  readonly projectId: string

  // Events, verdicts and evaluations
  insertEvents(events: readonly LlmEvent[]): Promise<InsertOutcome[]>
  existingEventIds(ids: readonly string[]): Promise<Set<string>>
  getEvent(eventId: string): Promise<StoredEvent | undefined>
  listEvents(query?: EventQuery): Promise<StoredEvent[]>
  recordVerdict(verdict: Verdict): Promise<InsertOutcome>
  getVerdict(eventId: string): Promise<Verdict | undefined>
  /** Keyed by lower-cased event id; events without a verdict are absent. */
  getVerdicts(eventIds: readonly string[]): Promise<Map<string, Verdict>>
  listVerdictsAfter(afterEventId: string, limit?: number): Promise<Verdict[]>
  listEvaluations(eventId: string): Promise<EvaluationResult[]>

  // The stream processor's writes and checkpoints
  recordProcessed(batch: ProcessedBatch): Promise<ProcessedOutcome>
  loadDetectorStates(models: readonly string[]): Promise<DetectorStateRow[]>

  // Alert rules and alerts
  createAlertRule(input: AlertRuleCreate): Promise<AlertRule>
  listAlertRules(): Promise<AlertRule[]>
  getAlertRule(ruleId: string): Promise<AlertRule | undefined>
  updateAlertRule(ruleId: string, patch: AlertRuleUpdate): Promise<AlertRule | undefined>
  deleteAlertRule(ruleId: string): Promise<boolean>
  listAlerts(query?: AlertQuery): Promise<Alert[]>
  /** The newest alert time of each (rule, model) among these: where cooldowns resume. */
  lastRuleFirings(ruleIds: readonly string[], models: readonly string[]): Promise<RuleFiring[]>
  getAlert(alertId: string): Promise<Alert | undefined>
  acknowledgeAlert(alertId: string): Promise<Alert | undefined>
  resolveAlert(alertId: string): Promise<Alert | undefined>

  // Webhook endpoints and their delivery log
  createWebhook(input: WebhookCreate): Promise<WebhookCreated>
  listWebhooks(): Promise<WebhookEndpoint[]>
  getWebhook(webhookId: string): Promise<WebhookEndpoint | undefined>
  updateWebhook(webhookId: string, patch: WebhookUpdate): Promise<WebhookEndpoint | undefined>
  deleteWebhook(webhookId: string): Promise<boolean>
  rotateWebhookSecret(webhookId: string): Promise<string | undefined>
  listDeliveries(query?: DeliveryQuery): Promise<WebhookDelivery[]>

  // Safety test runs and their judged results
  createTestRun(input: TestRunCreate): Promise<TestRun>
  getTestRun(runId: string): Promise<TestRun | undefined>
  listTestRuns(query?: TestRunQuery): Promise<TestRun[]>
  updateTestRun(runId: string, patch: TestRunUpdate): Promise<TestRun | undefined>
  /** Idempotent per (run, scenario key, strategy); returns how many rows were written. */
  recordTestResults(runId: string, results: readonly TestResultInput[]): Promise<number>
  listTestResults(runId: string, query?: TestResultQuery): Promise<TestResult[]>

  // API keys
  createApiKey(input: {
    name: string
    scopes: ApiKeyScope[]
    expiresAt?: Date
  }): Promise<{ plaintext: string; key: ApiKeyInfo }>
  listApiKeys(): Promise<ApiKeyInfo[]>
  revokeApiKey(keyId: string): Promise<boolean>
}

/** Binds every tenant-scoped repository function to one project. */
export function projectStoreFor(db: Database, projectId: string): ProjectStore {
  return {
    projectId,
    insertEvents: (batch) => insertEvents(db, projectId, batch),
    existingEventIds: (ids) => existingEventIds(db, projectId, ids),
    getEvent: (eventId) => getEvent(db, projectId, eventId),
    listEvents: (query) => listEvents(db, projectId, query),
    recordVerdict: (verdict) => recordVerdict(db, projectId, verdict),
    getVerdict: (eventId) => getVerdict(db, projectId, eventId),
    getVerdicts: (eventIds) => getVerdicts(db, projectId, eventIds),
    listVerdictsAfter: (afterEventId, limit) =>
      listVerdictsAfter(db, projectId, afterEventId, limit),
    listEvaluations: (eventId) => listEvaluations(db, projectId, eventId),

    recordProcessed: (batch) => recordProcessed(db, projectId, batch),
    loadDetectorStates: (models) => loadDetectorStates(db, projectId, models),

    createAlertRule: (input) => createAlertRule(db, projectId, input),
    listAlertRules: () => listAlertRules(db, projectId),
    getAlertRule: (ruleId) => getAlertRule(db, projectId, ruleId),
    updateAlertRule: (ruleId, patch) => updateAlertRule(db, projectId, ruleId, patch),
    deleteAlertRule: (ruleId) => deleteAlertRule(db, projectId, ruleId),
    listAlerts: (query) => listAlerts(db, projectId, query),
    lastRuleFirings: (ruleIds, models) => lastRuleFirings(db, projectId, ruleIds, models),
    getAlert: (alertId) => getAlert(db, projectId, alertId),
    acknowledgeAlert: (alertId) => acknowledgeAlert(db, projectId, alertId),
    resolveAlert: (alertId) => resolveAlert(db, projectId, alertId),

    createWebhook: (input) => createWebhook(db, projectId, input),
    listWebhooks: () => listWebhooks(db, projectId),
    getWebhook: (webhookId) => getWebhook(db, projectId, webhookId),
    updateWebhook: (webhookId, patch) => updateWebhook(db, projectId, webhookId, patch),
    deleteWebhook: (webhookId) => deleteWebhook(db, projectId, webhookId),
    rotateWebhookSecret: (webhookId) => rotateWebhookSecret(db, projectId, webhookId),
    listDeliveries: (query) => listDeliveries(db, projectId, query),

    createTestRun: (input) => createTestRun(db, projectId, input),
    getTestRun: (runId) => getTestRun(db, projectId, runId),
    listTestRuns: (query) => listTestRuns(db, projectId, query),
    updateTestRun: (runId, patch) => updateTestRun(db, projectId, runId, patch),
    recordTestResults: (runId, results) => recordTestResults(db, projectId, runId, results),
    listTestResults: (runId, query) => listTestResults(db, projectId, runId, query),

    createApiKey: (input) => createApiKey(db, projectId, input),
    listApiKeys: () => listApiKeys(db, projectId),
    revokeApiKey: (keyId) => revokeApiKey(db, projectId, keyId),
  }
}
