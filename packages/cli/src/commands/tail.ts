import { parseArgs } from 'node:util'
import { z } from 'zod'
import { untilStopped } from '../platform/until-stopped.js'
import { terminalIo, type CommandIo } from './command-io.js'
import { parsingArgs, runCommand } from './command-runner.js'
import type { Print } from './dev.js'
import { CommandError, EXIT, EXIT_CODES_HELP } from './exit-codes.js'
import { SseParser, type SseMessage } from './sse-parser.js'

/** Where `anansi dev` listens, and the SDK's default endpoint. */
const DEFAULT_URL = 'http://127.0.0.1:8787'
const FIRST_RETRY_MS = 1_000
const MAX_RETRY_MS = 30_000
/** The API sends a heartbeat every 15 s; three missed ones mean a dead connection. */
const IDLE_MS = 45_000

/** `anansi tail --help`. */
export const TAIL_HELP = `usage: anansi tail [--url URL] [--key KEY] [--model NAME] [--category SLUG] [--json]

Follows the live events and verdicts of the key's project (GET /v1/stream, Server-Sent
Events) and prints one line for each. Reconnects by itself (sending Last-Event-ID);
Ctrl-C stops it and exits 0.

options:
  --url URL         the ingest API (default: ANANSI_ENDPOINT, else ${DEFAULT_URL})
  --key KEY         an API key with the read scope (default: ANANSI_API_KEY)
  --model NAME      only events of this model (gen_ai.request.model), and their verdicts
  --category SLUG   only events of this application category, and their verdicts
  --json            NDJSON: one {"type": "event"|"verdict", "data": …} object a line

${EXIT_CODES_HELP}`

const eventLine = z.looseObject({
  id: z.string(),
  timestamp: z.string(),
  model: z.looseObject({ provider: z.string(), name: z.string() }),
  category: z.string(),
  status: z.string(),
})

const verdictLine = z.looseObject({
  eventId: z.string(),
  safe: z.boolean(),
  action: z.string(),
  score: z.number(),
  decidedAt: z.string(),
  latencyMs: z.number().optional(),
  evaluations: z.array(z.looseObject({ evaluator: z.string(), flagged: z.boolean() })).default([]),
  anomalies: z.array(z.unknown()).default([]),
})

/** One line for people: time, kind, event id, then what matters about it. */
export function formatStreamLine(kind: 'event' | 'verdict', data: unknown): string {
  if (kind === 'event') {
    const e = eventLine.safeParse(data)
    if (!e.success) return `event    ${JSON.stringify(data)}`
    const { id, timestamp, model, category, status } = e.data
    return `${timestamp}  event    ${id}  ${model.provider}/${model.name}  ${category}  ${status}`
  }
  const v = verdictLine.safeParse(data)
  if (!v.success) return `verdict  ${JSON.stringify(data)}`
  const { eventId, safe, action, score, decidedAt, latencyMs, evaluations, anomalies } = v.data
  const flagged = [...new Set(evaluations.filter((e) => e.flagged).map((e) => e.evaluator))]
  return [
    `${decidedAt}  verdict  ${eventId}  ${safe ? 'SAFE' : 'UNSAFE'}  ${action}  score ${score.toFixed(2)}`,
    flagged.length === 0 ? 'flagged none' : `flagged ${flagged.join(',')}`,
    ...(anomalies.length === 0 ? [] : [`anomalies ${anomalies.length}`]),
    ...(latencyMs === undefined ? [] : [`${Math.round(latencyMs)} ms`]),
  ].join('  ')
}

/** Waits `ms`, or less when `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Throws for an answer that is not a stream: a CommandError for what retrying cannot fix (a
 * rejected key, a bad filter, a URL that is not an Anansi API), a plain Error (retried) otherwise.
 */
async function checkResponse(response: Response, url: string): Promise<ReadableStream<Uint8Array>> {
  if (response.ok && response.body !== null) {
    if (response.headers.get('content-type')?.startsWith('text/event-stream') === true)
      return response.body
    await response.body.cancel()
    throw new CommandError('usage', `${url}/v1/stream is not an event stream: is it an Anansi API?`)
  }
  const detail = (await response.text().catch(() => '')).slice(0, 300)
  if (response.status === 401 || response.status === 403)
    throw new CommandError(
      'unauthorized',
      `${url} refused the key (HTTP ${response.status}${response.status === 403 ? ': it needs the read scope' : ''})`,
    )
  if (response.status === 400 || response.status === 404)
    throw new CommandError('usage', `${url} answered HTTP ${response.status}: ${detail}`)
  throw new Error(`HTTP ${response.status}`)
}

interface TailOptions {
  base: string
  streamUrl: string
  key: string
  json: boolean
  filters: string
}

function readOptions(args: readonly string[], env: NodeJS.ProcessEnv): TailOptions | 'help' {
  const { values, positionals } = parsingArgs(() =>
    parseArgs({
      args: [...args],
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        model: { type: 'string' },
        category: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  )
  if (values.help === true) return 'help'
  if (positionals.length > 0)
    throw new CommandError('usage', `anansi tail takes no arguments\n${TAIL_HELP}`)
  const base = (values.url ?? env.ANANSI_ENDPOINT ?? DEFAULT_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]/.test(base) || !URL.canParse(base))
    throw new CommandError('usage', `--url: expected an http(s) URL, got ${JSON.stringify(base)}`)
  const key = values.key ?? env.ANANSI_API_KEY ?? ''
  if (key === '')
    throw new CommandError(
      'usage',
      `anansi tail needs an API key: --key or ANANSI_API_KEY\n${TAIL_HELP}`,
    )
  const query = new URLSearchParams()
  if (values.model !== undefined) query.set('model', values.model)
  if (values.category !== undefined) query.set('category', values.category)
  const filters = [...query].map(([name, value]) => `${name} ${value}`).join(', ')
  return {
    base,
    streamUrl: `${base}/v1/stream${query.size > 0 ? `?${query.toString()}` : ''}`,
    key,
    json: values.json === true,
    filters,
  }
}

/**
 * `anansi tail`: follows `/v1/stream` and prints a line per event and verdict (NDJSON with
 * `--json`), reconnecting with backoff until `stop` aborts (Ctrl-C), then exits 0.
 */
export function runTail(
  print: Print,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  stop: AbortSignal = untilStopped(),
  io: CommandIo = terminalIo(),
): Promise<number> {
  return runCommand(print, io, args, async () => {
    const options = readOptions(args, env)
    if (options === 'help') {
      print(TAIL_HELP)
      return EXIT.ok
    }
    const show = (message: SseMessage): void => {
      if (message.event === 'ready') {
        const scope = options.filters === '' ? '' : `, ${options.filters}`
        io.warn(`following ${options.base}${scope} (Ctrl-C stops)`)
        return
      }
      if (message.event !== 'event' && message.event !== 'verdict') return // heartbeats, newer kinds
      let data: unknown
      try {
        data = JSON.parse(message.data)
      } catch {
        io.warn(`anansi tail: skipped a ${message.event} message that is not JSON`)
        return
      }
      print(
        options.json
          ? JSON.stringify({ type: message.event, data })
          : formatStreamLine(message.event, data),
      )
    }
    let lastEventId: string | undefined
    let retryMs: number | undefined
    let backoff = FIRST_RETRY_MS
    while (!stop.aborted) {
      const parser = new SseParser()
      parser.lastEventId = lastEventId
      let wait: number
      try {
        await follow(options, stop, parser, (message) => {
          if (message.event === 'ready') backoff = FIRST_RETRY_MS
          show(message)
        })
        wait = parser.retryMs ?? retryMs ?? FIRST_RETRY_MS
        if (!stop.aborted) io.warn('anansi tail: the server closed the stream; reconnecting')
      } catch (error) {
        if (stop.aborted) break
        if (error instanceof CommandError) throw error
        wait = parser.retryMs ?? retryMs ?? backoff
        backoff = Math.min(backoff * 2, MAX_RETRY_MS)
        io.warn(
          `anansi tail: cannot follow ${options.base} (${reasonOf(error)}); retrying in ${(wait / 1_000).toFixed(1)} s`,
        )
      } finally {
        lastEventId = parser.lastEventId
        retryMs = parser.retryMs ?? retryMs
      }
      await pause(wait, stop)
    }
    return EXIT.ok
  })
}

/** The innermost message of an error: fetch hides the network failure in `cause`. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.cause instanceof Error ? error.cause.message : error.message
}

/**
 * One connection: reads the stream until the server ends it, the network fails, nothing (not
 * even a heartbeat) arrives for IDLE_MS, or `stop` aborts. Sends the last event ID it knows.
 */
async function follow(
  options: TailOptions,
  stop: AbortSignal,
  parser: SseParser,
  show: (message: SseMessage) => void,
): Promise<void> {
  const idle = new AbortController()
  let timer = setTimeout(() => idle.abort(new Error('the stream went silent')), IDLE_MS)
  try {
    const response = await fetch(options.streamUrl, {
      headers: {
        authorization: `Bearer ${options.key}`,
        accept: 'text/event-stream',
        ...(parser.lastEventId === undefined ? {} : { 'last-event-id': parser.lastEventId }),
      },
      signal: AbortSignal.any([stop, idle.signal]),
    })
    const reader = (await checkResponse(response, options.base)).getReader()
    const decoder = new TextDecoder()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      clearTimeout(timer)
      timer = setTimeout(() => idle.abort(new Error('the stream went silent')), IDLE_MS)
      for (const message of parser.push(decoder.decode(value, { stream: true }))) show(message)
    }
  } finally {
    clearTimeout(timer)
  }
}
