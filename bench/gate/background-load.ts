/**
 * Child process of the gate benchmark: a second application sending a steady background load
 * through its own SDK Monitor in observe mode (the calls are never gated, only recorded).
 *   background-load.ts --url U --key K --rate 1000 --batch-interval-ms 100
 * Prints `{"ready":true}`, sends until its stdin closes, flushes, then prints one JSON line of
 * what it sent.
 */
import { parseArgs } from 'node:util'
import { Monitor, type AnansiError } from '@anansi/sdk'
import { ANSWERS, QUESTION } from './texts.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    'batch-interval-ms': { type: 'string', default: '100' },
    models: { type: 'string', default: '8' },
  },
})
const rate = Number(values.rate)
const models = Number(values.models)
if (values.url === undefined || values.key === undefined || !(rate > 0) || !(models > 0))
  throw new Error('usage: background-load.ts --url U --key K [--rate N] [--batch-interval-ms N]')

const errors: string[] = []
const monitor = new Monitor({
  apiKey: values.key,
  endpoint: values.url,
  batch: { intervalMs: Number(values['batch-interval-ms']) },
  flushOnExit: false,
  opentelemetry: false,
  onError: (error: AnansiError) => {
    if (errors.length < 20) errors.push(`${error.code}: ${error.message}`)
  },
})
const answer = async (question: string, index: number): Promise<string> => {
  await Promise.resolve(question)
  return ANSWERS[index % ANSWERS.length] ?? ''
}
const tracked = Array.from({ length: models }, (_, i) =>
  monitor.track(answer, {
    model: `gate-bench-load-${i}`,
    provider: 'openai',
    category: 'chatbot',
    extractInput: (question) => question,
  }),
)

let stopping = false
process.stdin.on('end', () => {
  stopping = true
})
process.stdin.resume()
process.stdout.write(`${JSON.stringify({ ready: true })}\n`)

const TICK_MS = 10
const started = performance.now()
let calls = 0
while (!stopping) {
  // Catch up to the schedule each tick, so a late timer does not lower the rate.
  const due = Math.floor(((performance.now() - started) * rate) / 1000)
  for (; calls < due; calls += 1) void tracked[calls % models]?.(QUESTION, calls)
  await new Promise((resolve) => setTimeout(resolve, TICK_MS))
}
const seconds = (performance.now() - started) / 1000
const flushed = await monitor.flush(10_000)
const stats = monitor.stats()
await monitor.shutdown()
process.stdout.write(
  `${JSON.stringify({ calls, seconds, eventsPerSecond: calls / seconds, flushed, stats, errors })}\n`,
)
