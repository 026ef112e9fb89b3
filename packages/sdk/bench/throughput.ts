/**
 * How many events per second the transport delivers to a local receiver: tracked calls are made
 * as fast as the queue takes them (the producer pauses while 10 000 are waiting, so none is
 * dropped), and the clock stops when the last event has been accepted. Usage: throughput.ts <sinkUrl>
 */
import { Monitor } from '../src/node.js'
import { r2 } from './measure.js'

const sinkUrl = process.argv[2] ?? ''
const EVENTS = 100_000
const drops: number[] = []
const monitor = new Monitor({
  apiKey: 'ansk_bench',
  endpoint: sinkUrl,
  batch: { maxEvents: 500 },
  queue: { maxEvents: 20_000 },
  opentelemetry: false,
  flushOnExit: false,
  onDrop: (info) => drops.push(info.count),
})
const answer = 'The capital of France is Paris. It has been the capital since the 10th century.'
const chat = monitor.track((_question: string) => answer, {
  model: 'gpt-4o-mini',
  provider: 'openai',
  category: 'bench',
})
const question = 'What is the capital of France, and since when has it been the capital?'

const sinkStats = async (): Promise<number> =>
  ((await (await fetch(`${sinkUrl}/stats`)).json()) as { events: number }).events
const receivedBefore = await sinkStats()
const cpu0 = process.cpuUsage()
const started = performance.now()
for (let i = 0; i < EVENTS; i += 1) {
  chat(question)
  if (i % 500 !== 499) continue
  await new Promise((resolve) => setImmediate(resolve)) // let the exporter run
  while (monitor.stats().queued > 10_000) await new Promise((resolve) => setTimeout(resolve, 1))
}
await monitor.flush(120_000)
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpu0)
const stats = monitor.stats()
await monitor.shutdown()
const received = (await sinkStats()) - receivedBefore
process.stdout.write(
  `${JSON.stringify({
    events: EVENTS,
    delivered: stats.sent,
    receivedBySink: received,
    dropped: stats.dropped,
    batches: stats.batches,
    seconds: r2(seconds),
    eventsPerSecond: Math.round(stats.sent / seconds),
    cpuUsPerEvent: r2((cpu.user + cpu.system) / EVENTS),
  })}\n`,
)
