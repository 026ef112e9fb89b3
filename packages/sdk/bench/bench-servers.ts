/**
 * The servers the benchmark talks to, run in their own process so their CPU time is not counted
 * against the client being measured: the fake provider (the same one the tests use) and a sink
 * that takes SDK batches (gunzip + JSON.parse + count; schema validation is the tests' job) and
 * OTLP exports (Langfuse, OpenLLMetry). Prints `{ providerUrl, sinkUrl }` and runs until killed.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { startFakeProvider } from '../test/fixtures/fake-provider.js'

let events = 0
let otlpRequests = 0

const sink = createServer((req, res) => {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    const raw = Buffer.concat(parts)
    if (req.url === '/v1/events') {
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString(
        'utf8',
      )
      const count = (JSON.parse(body) as { events: unknown[] }).events.length
      events += count
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ accepted: count, duplicates: 0, rejected: 0, results: [] }))
      return
    }
    if (req.url === '/stats') {
      res.end(JSON.stringify({ events, otlpRequests }))
      return
    }
    otlpRequests += 1 // Langfuse (/api/public/otel/v1/traces) and OTLP (/v1/traces) exports
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
})
sink.keepAliveTimeout = 60_000
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
const provider = await startFakeProvider({ delayMs: 0 })
const { port } = sink.address() as AddressInfo
process.stdout.write(
  `${JSON.stringify({ providerUrl: provider.url, sinkUrl: `http://127.0.0.1:${port}` })}\n`,
)
