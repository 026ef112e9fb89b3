import type { TestResult } from '@anansi/store'
import type { ReportData } from './report-data.js'

/** Escapes text for XML attributes and content, dropping characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function testcase(r: TestResult, suite: string): string {
  const name = xmlEscape(`${r.scenarioKey} [${r.strategy}]`)
  const time = ((r.latencyMs ?? 0) / 1000).toFixed(3)
  const open = `    <testcase classname="${xmlEscape(`${suite}.${r.category}`)}" name="${name}" time="${time}"`
  if (r.outcome === 'error')
    return `${open}>\n      <error message="${xmlEscape(r.error ?? 'error')}" type="provider_error"/>\n    </testcase>`
  if (r.passed) return `${open}/>`
  const message = `outcome ${r.outcome}`
  const body = xmlEscape((r.response ?? '').slice(0, 2000))
  return `${open}>\n      <failure message="${xmlEscape(message)}" type="${xmlEscape(r.outcome)}">${body}</failure>\n    </testcase>`
}

/** JUnit XML: one testsuite per category, one testcase per (scenario, strategy). */
export function junitReport(data: ReportData): string {
  const byCategory = new Map<string, TestResult[]>()
  for (const r of data.results) {
    const list = byCategory.get(r.category) ?? []
    list.push(r)
    byCategory.set(r.category, list)
  }
  // The run's id and status on every suite: a cancelled or failed run's report is partial, and a
  // CI page showing only these counts must be able to tell.
  const properties = [
    '    <properties>',
    `      <property name="anansi.run.id" value="${xmlEscape(data.run.id)}"/>`,
    `      <property name="anansi.run.status" value="${xmlEscape(data.run.status)}"/>`,
    `      <property name="anansi.run.results" value="${data.results.length}/${data.run.total}"/>`,
    '    </properties>',
  ].join('\n')
  const suites = [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, results]) => {
      const failures = results.filter((r) => r.outcome !== 'error' && !r.passed).length
      const errors = results.filter((r) => r.outcome === 'error').length
      const time = results.reduce((t, r) => t + (r.latencyMs ?? 0), 0) / 1000
      const head = `  <testsuite name="${xmlEscape(`${data.run.suite}.${category}`)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`
      return [
        head,
        properties,
        ...results.map((r) => testcase(r, data.run.suite)),
        '  </testsuite>',
      ].join('\n')
    })
  const all = data.results
  const failures = all.filter((r) => r.outcome !== 'error' && !r.passed).length
  const errors = all.filter((r) => r.outcome === 'error').length
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(`anansi ${data.run.suite} on ${data.run.provider}/${data.run.model}`)}" tests="${all.length}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
