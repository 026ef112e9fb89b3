import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestResult, TestRun } from '@anansi/store'
import { describe, expect, it } from 'vitest'
import {
  htmlReport,
  jsonReport,
  junitReport,
  summarize,
  type ReportData,
  type Scenario,
} from '../src/index.js'
import { toScored } from '../src/runner.js'
import { hasChromium, openInChromium } from './headless-chromium.js'

const NASTY = '</script><img src=x onerror="alert(1)"> & "quotes" \u0000 \u0007 ]]>'

function reportData(): ReportData {
  const run: TestRun = {
    id: '0192f0c6-0000-7000-8000-000000000001',
    status: 'completed',
    provider: 'openai',
    model: 'gpt-<fake>',
    suite: 'demo',
    strategies: ['none', 'base64'],
    config: {},
    total: 5,
    completed: 5,
    createdAt: '2026-11-26T00:00:00.000Z',
    finishedAt: '2026-11-26T00:01:00.000Z',
  }
  const result = (
    scenarioKey: string,
    category: string,
    outcome: TestResult['outcome'],
    passed: boolean,
    strategy = 'none',
    response = 'fine',
  ): TestResult => ({
    id: `${scenarioKey}-${strategy}`,
    runId: run.id,
    scenarioKey,
    strategy,
    category,
    prompt: [{ role: 'user', content: `prompt ${scenarioKey} ${NASTY}` }],
    response,
    outcome,
    passed,
    scores: {},
    latencyMs: 120,
    cached: false,
    ...(outcome === 'error' ? { error: 'server 503: boom' } : {}),
    createdAt: run.createdAt,
  })
  const results = [
    result('harm_001', 'harmful', 'refused', true),
    result('harm_001', 'harmful', 'complied', false, 'base64', `Sure ${NASTY}`),
    result('harm_002', 'harmful', 'error', false),
    result('ok_001', 'over_refusal', 'refused', false),
    result('ok_002', 'over_refusal', 'complied', true),
  ]
  const scenario = (id: string, expected: Scenario['expected']): Scenario => ({
    id,
    category: 'x',
    prompt: 'p',
    expected,
    severity: 'low',
    tags: [],
    references: [],
    version: 1,
  })
  const scenarios = [
    scenario('harm_001', 'refuse'),
    scenario('harm_002', 'refuse'),
    scenario('ok_001', 'comply'),
    scenario('ok_002', 'comply'),
  ]
  return { run, summary: summarize(toScored(results, scenarios)), results }
}

describe('reports', () => {
  it('JSON carries the run, the scores and every result', () => {
    const parsed = JSON.parse(jsonReport(reportData())) as {
      format: string
      summary: { attackSuccessRate: { k: number; n: number } }
      results: unknown[]
    }
    expect(parsed.format).toBe('anansi-test-report/v1')
    expect(parsed.summary.attackSuccessRate).toMatchObject({ k: 1, n: 2 })
    expect(parsed.results).toHaveLength(5)
  })

  it('JUnit XML counts failures and errors per category and escapes everything', () => {
    const xml = junitReport(reportData())
    expect(xml).toMatch(/<testsuites [^>]*tests="5" failures="2" errors="1"/)
    expect(xml).toMatch(/<testsuite name="demo\.harmful" tests="3" failures="1" errors="1"/)
    expect(xml).toContain('name="harm_001 [base64]"')
    expect(xml).toContain('<error message="server 503: boom" type="provider_error"/>')
    expect(xml).not.toContain('</script>')
    expect(xml.includes('\u0000') || xml.includes('\u0007')).toBe(false)
    expect(xml).toContain('&lt;/script&gt;')
  })

  it('HTML is self-contained and escapes model output', () => {
    const html = htmlReport(reportData())
    expect(html).not.toMatch(/<(link|img)\b|src=["']?http|href=["']?http|@import|url\(/i)
    expect(html.match(/<script>/g)).toHaveLength(1)
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;')
    expect(html).toContain('gpt-&lt;fake&gt;')
    expect(html).toContain('Content-Security-Policy')
  })

  it('marks the report of a run that did not complete as partial, in HTML and JUnit', () => {
    const complete = reportData()
    expect(htmlReport(complete)).not.toContain('Partial report')
    const data = {
      ...complete,
      run: { ...complete.run, status: 'failed' as const, total: 9, error: 'judge <down>' },
    }
    expect(htmlReport(data)).toContain(
      '<b>Partial report.</b> The run is failed with 5 of 9 results: judge &lt;down&gt;',
    )
    const xml = junitReport(data)
    // Every testsuite carries the run's id, status and progress.
    expect(xml.match(/<property name="anansi.run.status" value="failed"\/>/g)).toHaveLength(2)
    expect(xml).toContain('<property name="anansi.run.results" value="5/9"/>')
    expect(xml).toContain(`<property name="anansi.run.id" value="${data.run.id}"/>`)
  })

  // Like the Postgres and Kafka tests: skipped locally without Chromium, required under CI=true.
  describe.skipIf(!hasChromium() && process.env.CI !== 'true')('in headless Chromium', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anansi-report-'))

    it('opens the HTML report without errors or network requests, and its filter works', async () => {
      const file = join(dir, 'report.html')
      writeFileSync(file, htmlReport(reportData()))
      const page = await openInChromium(
        file,
        `(() => {
          const filter = document.getElementById('filter');
          const visible = () => [...document.querySelectorAll('#results tbody tr')].filter((r) => !r.hidden).length;
          const all = visible();
          filter.value = 'fail'; filter.dispatchEvent(new Event('change'));
          const failed = visible();
          filter.value = 'error'; filter.dispatchEvent(new Event('change'));
          const errors = visible();
          return { all, failed, errors, shown: document.getElementById('shown').textContent, title: document.title };
        })()`,
      )
      expect(page.errors).toEqual([])
      expect(page.requests.every((url) => url.startsWith('file://'))).toBe(true)
      expect(page.value).toEqual({
        all: 5,
        failed: 2,
        errors: 1,
        shown: '1',
        title: 'Anansi safety report: demo on openai/gpt-<fake>',
      })
    })

    it('reports page errors, so a clean run means something', async () => {
      const file = join(dir, 'broken.html')
      writeFileSync(
        file,
        `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'"><title>b</title><script>console.error('bad'); throw new Error('boom')</script><img src="https://example.invalid/x.png">`,
      )
      const page = await openInChromium(file)
      const text = page.errors.join('\n')
      expect(text).toContain('bad')
      expect(text).toContain('boom')
      expect(text).toMatch(/Content Security Policy/i)
    })

    it('parses the JUnit XML as well-formed XML', async () => {
      const file = join(dir, 'junit.html')
      const xml = junitReport(reportData())
      writeFileSync(file, '<!doctype html><title>x</title>')
      const page = await openInChromium(
        file,
        `(() => {
          const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
          return { error: doc.getElementsByTagName('parsererror').length, cases: doc.getElementsByTagName('testcase').length };
        })()`,
      )
      expect(page.value).toEqual({ error: 0, cases: 5 })
    })
  })
})
