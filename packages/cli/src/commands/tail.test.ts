import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uuidv7 } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CommandIo } from './command-io.js'
import { runDev } from './dev.js'
import { EXIT } from './exit-codes.js'
import { runTail } from './tail.js'

const dataDir = mkdtempSync(join(tmpdir(), 'anansi-tail-'))

/** Polls until `check` holds (the stream is asynchronous). */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Starts `anansi tail …` and keeps what it printed until `stop()`. */
function tail(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = []
  const err: string[] = []
  const controller = new AbortController()
  const io: CommandIo = {
    warn: (line) => err.push(line),
    progress: () => ({ done: () => undefined, fail: () => undefined }),
  }
  const exited = runTail((line) => out.push(line), args, env, controller.signal, io)
  return {
    out,
    err,
    exited,
    stop: () => {
      controller.abort()
      return exited
    },
  }
}

function event(model: string, text: string) {
  return {
    id: uuidv7(),
    timestamp: new Date().toISOString(),
    model: { provider: 'openai', name: model },
    category: 'chatbot',
    input: { type: 'text', text: 'Tell me about myself.' },
    output: { type: 'text', text },
    status: 'ok',
  }
}

describe('anansi tail against a running anansi dev', () => {
  const stopDev = new AbortController()
  let dev: Promise<number> = Promise.resolve(0)
  let url = ''
  let key = ''

  beforeAll(async () => {
    let ready: () => void = () => undefined
    const started = new Promise<void>((resolve) => (ready = resolve))
    dev = runDev(
      (line) => {
        const found = /^(ingest API|api key)\s+(\S+)/.exec(line)
        if (found?.[1] === 'api key') key = found[2] ?? ''
        if (found?.[1] === 'ingest API') {
          url = found[2] ?? ''
          ready()
        }
      },
      { ANANSI_DATA_DIR: dataDir, ANANSI_PORT: '0' },
      stopDev.signal,
    )
    await Promise.race([started, dev])
  }, 120_000)

  afterAll(async () => {
    stopDev.abort()
    expect(await dev).toBe(0)
    rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  it('prints a line per event and verdict, NDJSON with --json, only the filtered model; Ctrl-C exits 0', async () => {
    const all = tail(['--url', url], { ANANSI_API_KEY: key })
    const onlyMini = tail(['--url', `${url}/`, '--key', key, '--model', 'gpt-4o-mini', '--json'])
    await until(() => all.err.length > 0 && onlyMini.err.length > 0, 'both streams to connect')
    expect(all.err).toEqual([`following ${url} (Ctrl-C stops)`])
    expect(onlyMini.err).toEqual([`following ${url}, model gpt-4o-mini (Ctrl-C stops)`])

    const toxic = event(
      'gpt-4o-mini',
      'You are a worthless idiot and I hope you die, you disgusting piece of trash.',
    )
    const other = event('gpt-4o', 'Have a nice day!')
    const sent = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [toxic, other] }),
    })
    expect(sent.status).toBe(202)

    await until(
      () => all.out.filter((l) => l.includes(' verdict ')).length === 2,
      'two verdict lines',
    )
    const eventLine = all.out.find((l) => l.includes(` event    ${toxic.id} `))
    expect(eventLine).toBe(
      `${toxic.timestamp}  event    ${toxic.id}  openai/gpt-4o-mini  chatbot  ok`,
    )
    expect(all.out.find((l) => l.includes(`verdict  ${toxic.id}`))).toMatch(
      /verdict {2}\S+ {2}UNSAFE {2}block {2}score \d\.\d\d {2}flagged \S*toxicity\S* {2}\d+ ms$/,
    )
    expect(all.out.some((l) => l.includes(`event    ${other.id}`))).toBe(true)

    await until(() => onlyMini.out.length === 2, 'the filtered event and its verdict')
    const ndjson = onlyMini.out.map(
      (l) => JSON.parse(l) as { type: string; data: { id?: string; eventId?: string } },
    )
    expect(ndjson.map((m) => m.type)).toEqual(['event', 'verdict'])
    expect(ndjson[0]?.data.id).toBe(toxic.id)
    expect(ndjson[1]?.data.eventId).toBe(toxic.id)

    expect(await all.stop()).toBe(EXIT.ok)
    expect(await onlyMini.stop()).toBe(EXIT.ok)
    expect(onlyMini.out).toHaveLength(2)
  }, 60_000)

  it('exits 77 when the API refuses the key, 2 without a key', async () => {
    const refused = tail(['--url', url, '--key', 'ansk_not_a_real_key', '--json'])
    expect(await refused.exited).toBe(EXIT.noPermission)
    expect(JSON.parse(refused.out.join('\n'))).toMatchObject({ error: { code: 'unauthorized' } })
    const keyless = tail(['--url', url])
    expect(await keyless.exited).toBe(EXIT.usage)
    expect(keyless.err.join('\n')).toContain('--key or ANANSI_API_KEY')
  })
})

describe('anansi tail reconnecting', () => {
  it('reconnects after the server closes the stream, sending Last-Event-ID, and retries an unreachable server', async () => {
    const requests: IncomingHttpHeaders[] = []
    const server = createServer((request, response) => {
      requests.push(request.headers)
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      const n = requests.length
      if (n === 1) {
        // First connection: one event, a short retry, then the server hangs up.
        response.end(`retry: 10\nevent: ready\ndata: {}\n\nid: 41\nevent: event\ndata: {"n":1}\n\n`)
      } else {
        response.write(`event: ready\ndata: {}\n\nid: 42\nevent: verdict\ndata: {"n":${n}}\n\n`)
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const follower = tail(['--url', base, '--key', 'k', '--json'])
    try {
      await until(() => follower.out.length === 2, 'a message from each connection')
      expect(follower.out.map((l) => JSON.parse(l) as unknown)).toEqual([
        { type: 'event', data: { n: 1 } },
        { type: 'verdict', data: { n: 2 } },
      ])
      expect(requests[0]?.['last-event-id']).toBeUndefined()
      expect(requests[1]?.['last-event-id']).toBe('41')
      expect(requests[1]?.authorization).toBe('Bearer k')
      expect(follower.err).toContain('anansi tail: the server closed the stream; reconnecting')
    } finally {
      expect(await follower.stop()).toBe(EXIT.ok)
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }

    const unreachable = tail(['--url', base, '--key', 'k'])
    await until(() => unreachable.err.length > 0, 'a retry notice')
    expect(unreachable.err[0]).toMatch(
      /^anansi tail: cannot follow http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); retrying in 1\.0 s$/,
    )
    expect(await unreachable.stop()).toBe(EXIT.ok)
  })
})
