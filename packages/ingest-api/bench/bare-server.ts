/**
 * The baseline server: the same Hono + @hono/node-server stack as the ingest API, with one route that
 * parses the same JSON body and answers 202, and nothing else (no auth, validation or bus). Prints
 * `{ url }` once listening; stops on SIGTERM or when stdin ends.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.post('/v1/events', async (c) => {
  const body: unknown = await c.req.json()
  const events =
    typeof body === 'object' && body !== null && 'events' in body && Array.isArray(body.events)
      ? body.events.length
      : 0
  return c.json({ accepted: events }, 202)
})

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
await new Promise<void>((resolve) => server.once('listening', () => resolve()))
console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))

const stop = (): void => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.stdin.resume()
process.stdin.once('end', stop)
