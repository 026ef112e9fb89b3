/**
 * The measured loop: a tracked function that answers at once, gated in `block` mode, so the time
 * of a call is the gate's (SDK call → event shipped → verdict back over the WebSocket). Each call
 * also yields where its time went, from the verdict's own clocks (all processes share one host).
 */
import { UnsafeResponseError, type LastEvaluation, type Monitor } from '@anansi/sdk'
import { ANSWERS, QUESTION } from './texts.js'

/** One gated call. */
export interface CallSample {
  totalMs: number
  /** `verdict` when the platform answered in time; otherwise why not. */
  outcome: LastEvaluation['reason'] | 'no_evaluation'
  /** Wall-clock marks (ms resolution), when a verdict came. */
  marks?: {
    /** SDK call → the ingest API accepted the event (validated, about to write it to the bus). */
    sdkToIngestMs: number
    /** Ingest accept → the processor decided (bus delivery, decode, evaluation). */
    ingestToDecidedMs: number
    /** Decision → the application has it (store write, verdict publish, verdict feed, WebSocket push). */
    decidedToAppMs: number
  }
}

/** The tracked function: answers at once (one of the canned answers, in turn). */
export async function instantAnswer(question: string, index: number): Promise<string> {
  await Promise.resolve(question)
  return ANSWERS[index % ANSWERS.length] ?? ''
}

/** A gated version of `instantAnswer` on `monitor`. */
export function gatedAnswer(
  monitor: Monitor,
  timeoutMs: number,
): (question: string, index: number) => Promise<string> {
  return monitor.track(instantAnswer, {
    model: 'gate-bench-gated',
    provider: 'openai',
    category: 'chatbot',
    extractInput: (question) => question,
    gate: { mode: 'block', timeoutMs, onTimeout: 'block' },
  })
}

function marksOf(
  evaluation: LastEvaluation | undefined,
  startedAt: number,
  endedAt: number,
): CallSample['marks'] {
  const verdict = evaluation?.verdict
  if (verdict === undefined) return undefined
  const decidedAt = Date.parse(verdict.decidedAt)
  const receivedAt = decidedAt - verdict.latencyMs
  return {
    sdkToIngestMs: receivedAt - startedAt,
    ingestToDecidedMs: verdict.latencyMs,
    decidedToAppMs: endedAt - decidedAt,
  }
}

/** One gated call, timed; an unsafe answer (blocked) is a normal outcome here. */
async function gatedCall(
  monitor: Monitor,
  call: (question: string, index: number) => Promise<string>,
  index: number,
): Promise<CallSample> {
  const startedAt = Date.now()
  const started = performance.now()
  try {
    await call(QUESTION, index)
  } catch (error) {
    if (!(error instanceof UnsafeResponseError)) throw error
  }
  const totalMs = performance.now() - started
  const endedAt = Date.now()
  // The SDK keeps the decision in this async context (each gatedCall has its own).
  const evaluation = monitor.lastEvaluation
  const marks = marksOf(evaluation, startedAt, endedAt)
  return {
    totalMs,
    outcome: evaluation?.reason ?? 'no_evaluation',
    ...(marks === undefined ? {} : { marks }),
  }
}

/**
 * `calls` gated calls from `concurrency` callers at once (1: one after another); no call starts
 * after `deadline` (a `performance.now()` time).
 */
export async function runGated(
  monitor: Monitor,
  call: (question: string, index: number) => Promise<string>,
  calls: number,
  concurrency: number,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ samples: CallSample[]; seconds: number }> {
  const samples: CallSample[] = []
  let next = 0
  const started = performance.now()
  const caller = async (): Promise<void> => {
    for (let index = next++; index < calls && performance.now() < deadline; index = next++)
      samples.push(await gatedCall(monitor, call, index))
  }
  await Promise.all(Array.from({ length: concurrency }, caller))
  return { samples, seconds: (performance.now() - started) / 1000 }
}

/** The bare function, no Anansi: what the application pays without the gate (per call, ms). */
export async function runBare(calls: number): Promise<number[]> {
  const times: number[] = []
  for (let index = 0; index < calls; index += 1) {
    const started = performance.now()
    await instantAnswer(QUESTION, index)
    times.push(performance.now() - started)
  }
  return times
}

/** Round trips of `GET /healthz` on the ingest API: the floor any HTTP hop on this host costs (ms). */
export async function runHttpFloor(url: string, calls: number): Promise<number[]> {
  const times: number[] = []
  for (let index = 0; index < calls; index += 1) {
    const started = performance.now()
    const response = await fetch(`${url}/healthz`)
    await response.text()
    times.push(performance.now() - started)
  }
  return times
}
