import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UnsafeResponseError } from '../src/node.js'
import type { makeBot as MakeBot } from './fixtures/decorated-bot.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor } from './fixtures/test-monitor.js'

let receiver: IngestReceiver
let dir: string
beforeEach(async () => {
  receiver = await startIngestReceiver()
  dir = mkdtempSync(join(tmpdir(), 'anansi-decorator-'))
})
afterEach(async () => {
  await receiver.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Compiles the fixture with TypeScript's own TC39 decorator emit and loads it. */
async function loadMakeBot(): Promise<typeof MakeBot> {
  const source = readFileSync(join(import.meta.dirname, 'fixtures', 'decorated-bot.ts'), 'utf8')
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  })
  const file = join(dir, 'decorated-bot.mjs')
  writeFileSync(file, outputText)
  const module = (await import(pathToFileURL(file).href)) as { makeBot: typeof MakeBot }
  return module.makeBot
}

describe('the decorator form', () => {
  it('records calls of a decorated method, keeping `this`', async () => {
    const { monitor } = testMonitor(receiver)
    const Bot = (await loadMakeBot())(monitor)
    expect(await new Bot('ada').reply('hello')).toBe('ada: hello')
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      model: { name: 'gpt-decorated' },
      category: 'chatbot',
      tags: ['decorated'],
      input: { type: 'text', text: 'hello' },
      output: { type: 'text', text: 'ada: hello' },
    })
  })

  it('gates a decorated method', async () => {
    const { monitor } = testMonitor(receiver)
    const Bot = (await loadMakeBot())(monitor)
    await expect(new Bot('eve').risky('x')).rejects.toBeInstanceOf(UnsafeResponseError)
    await monitor.shutdown()
  })
})
