import type { Batch, OutgoingMessage, Producer } from '@anansi/bus'
import { EvaluatorError, type EvaluatorSuite } from '@anansi/evaluator'
import type { Verdict, VerdictEnvelope } from '@anansi/protocol'
import type { NewAlert, ProcessedBatch, Store } from '@anansi/store'
import type { RuleEngine } from '../alerts/rule-engine.js'
import type { DetectorBank } from '../anomaly/detector-bank.js'
import { observationsOf } from '../anomaly/observations.js'
import { deadLetterMessage, type DeadLetterReason } from '../dlq/dead-letter.js'
import type { ProjectSettings, ProjectSettingsCache } from '../projects/project-settings.js'
import type { TopicNames } from '../topics.js'
import { decodeMessage, type Decoded } from './decode-message.js'
import { evaluationCall } from './evaluation-call.js'

/** Everything one batch goes through. */
export interface PipelineDeps {
  store: Store
  producer: Producer
  suite: EvaluatorSuite
  detectors: DetectorBank
  rules: RuleEngine
  projects: ProjectSettingsCache
  topics: TopicNames
  now: () => Date
}

/** What one batch did, for metrics and tests. */
export interface BatchSummary {
  messages: number
  /** Events evaluated and decided for the first time. */
  decided: number
  /** Events whose verdict already existed (re-delivery): re-published, not re-evaluated. */
  redelivered: number
  deadLettered: number
  anomalies: number
  alerts: number
  /** Where the batch's time went, in milliseconds (evaluation, store transaction, publishing). */
  timings: { evaluateMs: number; storeMs: number; publishMs: number; totalMs: number }
}

/** Detector and store keys: the same normalisation the bus key uses (Postgres text refuses NUL). */
function storableModel(name: string): string {
  return name.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

function verdictMessage(projectId: string, verdict: Verdict): OutgoingMessage {
  const envelope: VerdictEnvelope = { projectId, verdict }
  return {
    key: projectId,
    value: JSON.stringify(envelope),
    headers: { 'event-id': verdict.eventId },
  }
}

/**
 * Processes one batch of `anansi.events`: decode, evaluate, detect, alert, then write everything
 * for each project in one transaction, publish the verdicts and the dead letters, and return (the
 * consumer commits the offsets after that). Throwing means the batch is delivered again; the
 * writes are keyed by event id, so a second pass re-publishes stored verdicts and adds nothing.
 */
export async function processBatch(deps: PipelineDeps, batch: Batch): Promise<BatchSummary> {
  const summary: BatchSummary = {
    messages: batch.messages.length,
    decided: 0,
    redelivered: 0,
    deadLettered: 0,
    anomalies: 0,
    alerts: 0,
    timings: { evaluateMs: 0, storeMs: 0, publishMs: 0, totalMs: 0 },
  }
  const started = performance.now()
  const dead: OutgoingMessage[] = []
  const deadLetter = (
    item: { message: Decoded['message'] },
    reason: DeadLetterReason,
    detail: string,
  ) =>
    dead.push(
      deadLetterMessage(
        { topic: batch.topic, partition: batch.partition, message: item.message },
        reason,
        detail,
        deps.now(),
      ),
    )

  const byProject = new Map<string, Decoded[]>()
  const seen = new Set<string>()
  for (const message of batch.messages) {
    const decoded = decodeMessage(message)
    if (!decoded.ok) {
      deadLetter(decoded, decoded.reason, decoded.detail)
      continue
    }
    const { projectId, event } = decoded.envelope
    // A client retry can put the same event on the log twice; the first copy decides.
    const id = `${projectId}\u0000${event.id.toLowerCase()}`
    if (seen.has(id)) continue
    seen.add(id)
    byProject.set(projectId, [...(byProject.get(projectId) ?? []), decoded])
  }

  const verdicts: OutgoingMessage[] = []
  for (const [projectId, items] of byProject) {
    const settings = await deps.projects.get(projectId)
    if (settings === undefined) {
      for (const item of items) deadLetter(item, 'unknown_project', `no project ${projectId}`)
      continue
    }
    const outcome = await processProject(
      deps,
      batch.partition,
      projectId,
      settings,
      items,
      summary.timings,
    )
    for (const failed of outcome.failed) deadLetter(failed.item, 'evaluation_failed', failed.detail)
    for (const verdict of outcome.verdicts) verdicts.push(verdictMessage(projectId, verdict))
    summary.decided += outcome.decided
    summary.redelivered += outcome.verdicts.length - outcome.decided
    summary.anomalies += outcome.anomalies
    summary.alerts += outcome.alerts
  }

  const publishing = performance.now()
  if (dead.length > 0) await deps.producer.send(deps.topics.eventsDeadLetter, dead)
  if (verdicts.length > 0) await deps.producer.send(deps.topics.verdicts, verdicts)
  summary.timings.publishMs = performance.now() - publishing
  summary.timings.totalMs = performance.now() - started
  summary.deadLettered = dead.length
  return summary
}

interface ProjectOutcome {
  /** Every verdict to publish, in log order: re-delivered ones and newly decided ones. */
  verdicts: Verdict[]
  decided: number
  failed: { item: Decoded; detail: string }[]
  anomalies: number
  alerts: number
}

async function processProject(
  deps: PipelineDeps,
  partition: number,
  projectId: string,
  settings: ProjectSettings,
  items: readonly Decoded[],
  timings: BatchSummary['timings'],
): Promise<ProjectOutcome> {
  const project = deps.store.forProject(projectId)
  let mark = performance.now()
  const existing = await project.getVerdicts(items.map((item) => item.envelope.event.id))
  const known = (item: Decoded): Verdict | undefined =>
    existing.get(item.envelope.event.id) ?? existing.get(item.envelope.event.id.toLowerCase())
  const fresh = items.filter((item) => known(item) === undefined)

  const evaluated = await Promise.allSettled(
    fresh.map((item) =>
      deps.suite.comprehensive(evaluationCall(item.envelope.event), settings.policy),
    ),
  )
  // Shutting down or overloaded is not the event's fault: fail the batch so it comes again.
  const transient = evaluated.find(
    (result) =>
      result.status === 'rejected' &&
      result.reason instanceof EvaluatorError &&
      (result.reason.retriable || result.reason.code === 'closed'),
  )
  if (transient?.status === 'rejected') throw transient.reason
  timings.evaluateMs += performance.now() - mark
  mark = performance.now()

  const models = [...new Set(fresh.map((item) => storableModel(item.envelope.event.model.name)))]
  const missing = models.filter((model) => !deps.detectors.has(projectId, model))
  if (missing.length > 0) {
    const rows = await project.loadDetectorStates(missing)
    for (const model of missing)
      deps.detectors.restore(
        projectId,
        model,
        partition,
        rows.filter((row) => row.model === model),
      )
  }

  await deps.rules.restore(settings.rules, models, partition, (ruleIds, names) =>
    project.lastRuleFirings(ruleIds, names),
  )

  const decidedVerdicts = new Map<Decoded, Verdict>()
  const failed: ProjectOutcome['failed'] = []
  const batch: ProcessedBatch = { events: [], verdicts: [], alerts: [], detectorStates: [] }
  let anomalies = 0
  fresh.forEach((item, index) => {
    const result = evaluated[index]
    if (result === undefined) return
    if (result.status === 'rejected') {
      failed.push({
        item,
        detail: result.reason instanceof Error ? result.reason.message : String(result.reason),
      })
      return
    }
    const { event, receivedAt } = item.envelope
    const model = storableModel(event.model.name)
    const decidedAt = deps.now()
    const { evaluations, decision } = result.value
    const observations = observationsOf(event, { safe: decision.safe, evaluations })
    const found = deps.detectors.observe(projectId, model, observations, decidedAt.toISOString())
    anomalies += found.length
    const at = Date.parse(receivedAt)
    const alerts: NewAlert[] = deps.rules.evaluate(settings.rules, {
      partition,
      model,
      eventId: event.id,
      at: Number.isFinite(at) ? at : decidedAt.getTime(),
      observations,
      anomalies: found,
    })
    const verdict: Verdict = {
      eventId: event.id,
      safe: decision.safe,
      action: decision.action,
      score: decision.score,
      evaluations,
      anomalies: found.slice(0, 256),
      decidedBy: 'remote',
      policy: decision.policy,
      decidedAt: decidedAt.toISOString(),
      latencyMs: Math.max(
        0,
        decidedAt.getTime() - (Number.isFinite(at) ? at : decidedAt.getTime()),
      ),
    }
    batch.events.push({ event, receivedAt })
    batch.verdicts.push(verdict)
    batch.alerts.push(...alerts)
    decidedVerdicts.set(item, verdict)
  })
  batch.detectorStates = deps.detectors.changed(projectId, partition)
  if (batch.events.length > 0 || batch.detectorStates.length > 0) {
    await project.recordProcessed(batch)
    deps.detectors.markSaved(projectId, partition)
  }
  timings.storeMs += performance.now() - mark
  const verdicts = items.flatMap((item) => {
    const verdict = known(item) ?? decidedVerdicts.get(item)
    return verdict === undefined ? [] : [verdict]
  })
  return {
    verdicts,
    decided: decidedVerdicts.size,
    failed,
    anomalies,
    alerts: batch.alerts.length,
  }
}
