export { API_KEY_SCOPES, apiKeys, apiUsage, projectMembers, projects, users } from './tenancy.js'
export { detectorState, evaluations, events, verdicts } from './monitoring.js'
export {
  DELIVERY_STATUSES,
  SEVERITIES,
  alertRules,
  alerts,
  webhookDeliveries,
  webhooks,
} from './alerting.js'
export { testResults, testRuns, testScenarios } from './testing.js'
export {
  aiModels,
  discussions,
  modelScores,
  submissionVotes,
  testSubmissions,
} from './community.js'
