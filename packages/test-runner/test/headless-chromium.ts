import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'

/** Debian's Chromium (`apt-get install chromium`); tests skip locally when it is absent. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Whether a Chromium binary is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM)
}

/** What happened while a page loaded. */
export interface PageReport {
  /** console.error / console.warn calls, uncaught exceptions and browser log errors (CSP, …). */
  errors: string[]
  /** Every URL the page requested (the document itself included). */
  requests: string[]
  /** The value of `evaluate` after load. */
  value: unknown
}

interface CdpMessage {
  id?: number
  method?: string
  params?: Record<string, unknown>
  result?: Record<string, unknown>
  error?: { message: string }
  sessionId?: string
}

/**
 * Opens a local HTML file in headless Chromium over the DevTools protocol (`--remote-debugging-pipe`,
 * so no port and no extra dependency: playwright-core is not in the workspace's package store),
 * collects errors and requests, and evaluates `expression` in the page after it loads.
 */
export async function openInChromium(file: string, expression = 'null'): Promise<PageReport> {
  const profile = mkdtempSync(join(tmpdir(), 'anansi-chromium-'))
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  )
  const toBrowser = child.stdio[3] as Writable
  const fromBrowser = child.stdio[4] as Readable
  let nextId = 1
  const pending = new Map<
    number,
    { resolve: (m: CdpMessage) => void; reject: (e: Error) => void }
  >()
  const listeners: ((m: CdpMessage) => void)[] = []
  let buffer = ''
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    let end: number
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as CdpMessage
      buffer = buffer.slice(end + 1)
      if (message.id !== undefined) {
        const waiter = pending.get(message.id)
        pending.delete(message.id)
        if (message.error) waiter?.reject(new Error(message.error.message))
        else waiter?.resolve(message)
      } else for (const listener of listeners) listener(message)
    }
  })
  const send = (
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<CdpMessage> => {
    const id = nextId++
    const message = { id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      toBrowser.write(`${JSON.stringify(message)}\0`)
    })
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const errors: string[] = []
    const requests: string[] = []
    let loaded: () => void = () => undefined
    const load = new Promise<void>((resolve) => {
      loaded = resolve
    })
    listeners.push((m) => {
      const p = m.params ?? {}
      if (m.method === 'Runtime.exceptionThrown') errors.push(`exception: ${JSON.stringify(p)}`)
      if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'warning'))
        errors.push(`console.${String(p.type)}: ${JSON.stringify(p.args)}`)
      if (m.method === 'Log.entryAdded') {
        const entry = p.entry as { level?: string; text?: string } | undefined
        if (entry?.level === 'error' || entry?.level === 'warning')
          errors.push(`log: ${entry.text ?? ''}`)
      }
      if (m.method === 'Network.requestWillBeSent')
        requests.push(String((p.request as { url?: string } | undefined)?.url))
      if (m.method === 'Page.loadEventFired') loaded()
    })
    const target = await send('Target.createTarget', { url: 'about:blank' })
    const attached = await send('Target.attachToTarget', {
      targetId: target.result?.targetId,
      flatten: true,
    })
    const session = String(attached.result?.sessionId)
    for (const domain of ['Runtime', 'Log', 'Page', 'Network'])
      await send(`${domain}.enable`, {}, session)
    await send('Page.navigate', { url: pathToFileURL(file).href }, session)
    await load
    const evaluated = await send(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      session,
    )
    const result = evaluated.result as
      { result?: { value?: unknown }; exceptionDetails?: unknown } | undefined
    if (result?.exceptionDetails !== undefined)
      errors.push(`evaluate: ${JSON.stringify(result.exceptionDetails)}`)
    await new Promise((r) => setTimeout(r, 50)) // let late console/log events arrive
    return { errors, requests, value: result?.result?.value }
  } finally {
    await send('Browser.close').catch(() => undefined) // the pipe closes as the browser exits
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(profile, { recursive: true, force: true })
  }
}
