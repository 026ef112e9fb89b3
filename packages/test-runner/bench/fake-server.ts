/**
 * The fake provider in its own process, so the benchmark's runner does not share an event loop
 * with the server it calls. Started by bench.ts through `fork`; reports its port over IPC and
 * takes `{ latencyMs }` messages.
 */
import { FakeProvider, refuseHarmful } from '../test/fake-provider.js'

const fake = await new FakeProvider(refuseHarmful(Number(process.argv[2] ?? 0))).start()
process.on('message', (message: { latencyMs?: number; stop?: boolean; reset?: boolean }) => {
  if (message.latencyMs !== undefined) fake.script = refuseHarmful(message.latencyMs)
  if (message.reset === true) {
    process.send?.({ maxInFlight: fake.maxInFlight, calls: fake.calls.length })
    fake.reset()
  }
  if (message.stop === true) void fake.stop().then(() => process.exit(0))
})
process.send?.({ baseURL: fake.openaiBaseURL })
