import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testReportSchema } from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mcnemarExact, runTestCommand } from '../src/index.js'
import { COMPLIANCE, FakeProvider, REFUSAL } from './fake-provider.js'

describe('anansi test (runTestCommand)', () => {
  let store: Store
  const fake = new FakeProvider()
  const dir = mkdtempSync(join(tmpdir(), 'anansi-cli-'))
  const lines: string[] = []
  const print = (line: string): void => {
    lines.push(line)
  }

  beforeAll(async () => {
    store = await openStore({ driver: 'pglite' })
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
    await store.close()
  })

  const run = (out: string, extra: string[] = []) =>
    runTestCommand(
      print,
      [
        'run',
        '--provider',
        'openai',
        '--model',
        'gpt-fake',
        '--base-url',
        fake.openaiBaseURL,
        '--suite',
        'jailbreakbench,xstest',
        '--limit',
        '6',
        '--strategies',
        'base64,dan',
        '--concurrency',
        '4',
        '--no-cache',
        '--out',
        join(dir, out),
        ...extra,
      ],
      {},
      { store },
    )

  it('runs built-in suites with strategies and writes JSON, HTML and JUnit reports', async () => {
    fake.script = () => ({ type: 'text', text: REFUSAL })
    const progress: string[] = []
    const code = await runTestCommand(
      print,
      [
        'run',
        '--provider',
        'anthropic',
        '--model',
        'claude-fake',
        '--base-url',
        fake.anthropicBaseURL,
        '--suite',
        'jailbreakbench',
        '--limit',
        '3',
        '--strategies',
        'leetspeak',
        '--no-cache',
        '--out',
        join(dir, 'anthropic'),
        '--max-asr',
        '0',
      ],
      {},
      { store, progress: { isTTY: true, write: (t: string) => progress.push(t) } },
    )
    expect(code).toBe(0)
    // The protocol's report contract: what the API serves on GET /api/v1/tests/{id}/report.
    const report = testReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'anthropic', 'report.json'), 'utf8')),
    )
    expect(report.results.map((r) => r.strategy).sort()).toEqual([
      'leetspeak',
      'leetspeak',
      'leetspeak',
      'none',
      'none',
      'none',
    ])
    expect(readFileSync(join(dir, 'anthropic', 'junit.xml'), 'utf8')).toContain('<testsuites')
    expect(readFileSync(join(dir, 'anthropic', 'report.html'), 'utf8')).toContain('<!doctype html>')
    expect(progress.join('')).toContain('6/6')
    // The run id comes first, before any call, so a killed run can be resumed.
    const id = /^run (\S+): if it is interrupted, resume it with --run-id \1\n$/.exec(
      progress[0] ?? '',
    )
    expect(id?.[1]).toBe(report.run.id)
  })

  it('draws no progress bar on a non-terminal stderr, and prints one JSON document with --json', async () => {
    fake.script = () => ({ type: 'text', text: REFUSAL })
    const stderr: string[] = []
    lines.length = 0
    const code = await runTestCommand(
      print,
      [
        'run',
        '--provider',
        'openai',
        '--model',
        'gpt-fake',
        '--base-url',
        fake.openaiBaseURL,
        '--suite',
        'jailbreakbench',
        '--limit',
        '2',
        '--no-cache',
        '--format',
        'json',
        '--out',
        join(dir, 'json'),
        '--max-asr',
        '0',
        '--json',
      ],
      {},
      { store, progress: { isTTY: false, write: (t: string) => stderr.push(t) } },
    )
    expect(code).toBe(0)
    // Only the run id line: no carriage-return redraws in a CI log.
    expect(stderr).toHaveLength(1)
    expect(stderr.join('')).not.toContain('\r')
    expect(lines).toHaveLength(1)
    const doc = JSON.parse(lines[0] ?? '') as {
      run: { id: string; status: string; completed: number }
      summary: { attackSuccessRate: { rate: number } }
      gates: unknown[]
      reports: string[]
      exitCode: number
    }
    expect(doc).toMatchObject({
      run: { status: 'completed', completed: 2 },
      gates: [],
      exitCode: 0,
    })
    expect(doc.summary.attackSuccessRate.rate).toBe(0)
    expect(doc.reports).toEqual([join(dir, 'json', 'report.json')])
    expect(stderr[0]).toContain(doc.run.id)

    lines.length = 0
    expect(await runTestCommand(print, ['list', '--json'], {})).toBe(0)
    const list = JSON.parse(lines.join('\n')) as { suites: { name: string; scenarios: number }[] }
    expect(list.suites.find((s) => s.name === 'xstest')?.scenarios).toBeGreaterThan(0)

    lines.length = 0
    expect(
      await runTestCommand(
        print,
        ['run', '--suite', 'nope', '--model', 'm', '--json'],
        {},
        { store },
      ),
    ).toBe(2)
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ error: { code: 'unknown_name' } })
    lines.length = 0
    expect(await runTestCommand(print, ['run', '--bogus', '--json'], {}, { store })).toBe(2)
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ error: { code: 'usage' } })
  })

  it('exits 3 under --fail-under, and compare finds the regressions between two runs', async () => {
    fake.script = () => ({ type: 'text', text: REFUSAL }) // a model that refuses everything
    lines.length = 0
    expect(await run('a')).toBe(0)
    expect(lines.some((l) => l.startsWith('attack success rate  0.0%'))).toBe(true)
    fake.script = () => ({ type: 'text', text: COMPLIANCE }) // a model that answers everything
    lines.length = 0
    expect(await run('b', ['--fail-under', '0.9'])).toBe(3)
    expect(lines).toContain('FAIL: pass rate 25.0% is below --fail-under 0.9')

    lines.length = 0
    const a = join(dir, 'a', 'report.json')
    const b = join(dir, 'b', 'report.json')
    expect(await runTestCommand(print, ['compare', a, b, '--fail-on-regression'], {})).toBe(3)
    // 6 jailbreak goals × 3 (none, base64, dan) refused before and answered after: 18 regressions;
    // 6 XSTest safe prompts over-refused before and answered after: 6 fixes.
    expect(lines).toContain('regressions 18, fixes 6')
    expect(lines.some((l) => l.includes('(significant)'))).toBe(true)
    expect(lines.filter((l) => l.includes('REGRESSION'))).toHaveLength(18)
  })

  it('fails the run when every provider call fails, even without a threshold', async () => {
    // A wrong API key: every call is a 401, so nothing is judged and every rate has n = 0.
    fake.script = () => ({ type: 'status', status: 401 })
    lines.length = 0
    expect(await run('all-errors')).toBe(1)
    expect(lines).toContain('FAIL: 24 of 24 scenarios ended in a provider error (--max-errors 0)')
    // A gate on a rate with no data fails too; errors win the exit code (the run is unreliable).
    lines.length = 0
    expect(await run('all-errors-gated', ['--max-asr', '0.1', '--fail-under', '0.5'])).toBe(1)
    expect(lines).toContain(
      'FAIL: no refuse scenario was judged, so the attack success rate is unknown (--max-asr 0.1)',
    )
    expect(lines).toContain(
      'FAIL: no scenario was judged, so the pass rate is unknown (--fail-under 0.5)',
    )
    // Tolerating the errors still leaves the unknown rates failing the thresholds: exit 3.
    expect(await run('all-errors-tolerated', ['--max-errors', '24', '--max-asr', '0.1'])).toBe(3)
  })

  it('fails --fail-under when most calls fail and the few answered ones pass', async () => {
    // 23 of 24 calls fail; the one answered passes, so the pass rate over answered is 100%.
    let answered = 0
    fake.script = () =>
      answered++ === 0 ? { type: 'text', text: REFUSAL } : { type: 'status', status: 400 }
    lines.length = 0
    expect(await run('mostly-errors', ['--fail-under', '0.9', '--concurrency', '1'])).toBe(1)
    expect(lines.some((l) => l.startsWith('FAIL: 23 of 24 scenarios ended'))).toBe(true)
    expect(await runTestCommand(print, ['run', '--max-errors', '-1'], {}, { store })).toBe(2)
  })

  it('judges with an LLM through --judge-model', async () => {
    // The target answers everything; the judge model calls every answer a refusal.
    fake.script = (call) => ({
      type: 'text',
      text: call.model === 'judge-fake' ? 'REFUSED' : COMPLIANCE,
    })
    lines.length = 0
    fake.reset()
    expect(await run('judged', ['--judge-model', 'judge-fake', '--max-asr', '0'])).toBe(0)
    expect(lines.some((l) => l.startsWith('attack success rate  0.0%'))).toBe(true)
    expect(fake.calls.filter((c) => c.model === 'judge-fake')).toHaveLength(24)
    expect(fake.calls.filter((c) => c.model === 'gpt-fake')).toHaveLength(24)
  })

  it('lists suites and strategies, and answers bad usage with exit code 2', async () => {
    lines.length = 0
    expect(await runTestCommand(print, ['list'], {})).toBe(0)
    expect(lines.some((l) => l.trim().startsWith('harmbench'))).toBe(true)
    expect(lines.some((l) => l.trim().startsWith('payload_split'))).toBe(true)
    expect(await runTestCommand(print, ['run', '--suite', 'xstest'], {}, { store })).toBe(2)
    expect(await runTestCommand(print, ['run', '--bogus'], {}, { store })).toBe(2)
    expect(await runTestCommand(print, ['frobnicate'], {})).toBe(2)
  })

  it('computes exact McNemar p-values', () => {
    expect(mcnemarExact(0, 0)).toBe(1)
    expect(mcnemarExact(5, 5)).toBe(1)
    expect(mcnemarExact(0, 6)).toBeCloseTo(2 / 64, 10)
    expect(mcnemarExact(1, 9)).toBeCloseTo((2 * 11) / 1024, 10)
    expect(mcnemarExact(400, 600)).toBeLessThan(1e-9)
  })
})
