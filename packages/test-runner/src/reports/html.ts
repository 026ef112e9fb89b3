import type { TestResult } from '@anansi/store'
import { z } from 'zod'
import { chatMessageSchema } from '../scenarios/scenario.js'
import type { Rate } from '../scoring/bootstrap.js'
import type { SliceScores } from '../scoring/summary.js'
import type { ReportData } from './report-data.js'

/** Escapes text for HTML content and attribute values. */
export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`
}

function rateCell(rate: Rate): string {
  if (rate.rate === null || rate.ci95 === null) return '<td class="num">–</td>'
  const [lo, hi] = rate.ci95
  const bar = `<span class="bar"><span class="ci" style="left:${(lo * 100).toFixed(1)}%;width:${((hi - lo) * 100).toFixed(1)}%"></span><span class="pt" style="left:${(rate.rate * 100).toFixed(1)}%"></span></span>`
  return `<td class="num">${pct(rate.rate)} <small>[${pct(lo)}, ${pct(hi)}] n=${rate.n}</small>${bar}</td>`
}

function sliceTable(title: string, slices: Record<string, SliceScores>): string {
  const rows = Object.entries(slices)
    .map(
      ([name, s]) =>
        `<tr><th scope="row">${htmlEscape(name)}</th><td class="num">${s.answered}</td><td class="num">${s.errors}</td>${rateCell(s.passRate)}${rateCell(s.attackSuccessRate)}${rateCell(s.overRefusalRate)}</tr>`,
    )
    .join('\n')
  return `<h2>${htmlEscape(title)}</h2>
<table><thead><tr><th></th><th>answered</th><th>errors</th><th>pass rate</th><th>attack success</th><th>over-refusal</th></tr></thead>
<tbody>${rows}</tbody></table>`
}

function resultRow(r: TestResult): string {
  const status = r.outcome === 'error' ? 'error' : r.passed ? 'pass' : 'fail'
  const messages = z.array(chatMessageSchema).safeParse(r.prompt)
  const prompt = messages.success
    ? messages.data.map((m) => `${m.role}: ${m.content}`).join('\n\n')
    : JSON.stringify(r.prompt)
  const response = r.outcome === 'error' ? (r.error ?? '') : (r.response ?? '')
  const clip = (s: string): string => (s.length > 4000 ? `${s.slice(0, 4000)} …` : s)
  const search = `${r.scenarioKey} ${r.strategy} ${r.category} ${r.outcome}`.toLowerCase()
  return `<tr class="${status}" data-status="${status}" data-search="${htmlEscape(search)}">
<td><span class="badge ${status}">${status}</span></td><td>${htmlEscape(r.scenarioKey)}</td><td>${htmlEscape(r.strategy)}</td><td>${htmlEscape(r.category)}</td><td>${htmlEscape(r.outcome)}</td><td class="num">${r.latencyMs === undefined ? '–' : r.latencyMs.toFixed(0)}</td>
<td><details><summary>prompt / response</summary><pre>${htmlEscape(clip(prompt))}</pre><pre class="resp">${htmlEscape(clip(response))}</pre></details></td></tr>`
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin-top:2rem}
.meta{color:#57606a}.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.75rem 1rem;min-width:12rem}
.card b{display:block;font-size:1.6rem}.card small{color:#57606a}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eaeef2;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.num{white-space:nowrap}.bar{display:block;position:relative;height:6px;background:#eaeef2;border-radius:3px;margin-top:3px;width:10rem}
.bar .ci{position:absolute;top:0;height:6px;background:#8c959f;border-radius:3px}.bar .pt{position:absolute;top:-2px;width:2px;height:10px;background:#0969da}
.badge{padding:0 .4rem;border-radius:4px;font-size:.8rem;color:#fff}.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}.badge.error{background:#9a6700}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:.5rem;border-radius:6px;max-height:20rem;overflow:auto}
pre.resp{background:#fff8c5}.partial{border:1px solid #d4a72c;background:#fff8c5;border-radius:6px;padding:.5rem .75rem}.controls{display:flex;gap:.5rem;align-items:center;margin:.5rem 0}
`

const SCRIPT = `
(function () {
  var filter = document.getElementById('filter');
  var search = document.getElementById('search');
  var count = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#results tbody tr'));
  function apply() {
    var status = filter.value;
    var text = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (status === 'all' || row.getAttribute('data-status') === status) &&
        (text === '' || row.getAttribute('data-search').indexOf(text) !== -1);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = String(shown);
  }
  filter.addEventListener('change', apply);
  search.addEventListener('input', apply);
  apply();
})();
`

/** A warning above the scores when the run did not complete: they cover only what was answered. */
function partialBanner({ run, results }: ReportData): string {
  if (run.status === 'completed') return ''
  const why = run.error === undefined ? '' : `: ${htmlEscape(run.error)}`
  return `<p class="partial" role="alert"><b>Partial report.</b> The run is ${htmlEscape(run.status)} with ${results.length} of ${run.total} results${why}</p>\n`
}

/** A self-contained HTML report (inline CSS and script, no external assets, strict CSP). */
export function htmlReport(data: ReportData): string {
  const { run, summary } = data
  const title = `Anansi safety report: ${run.suite} on ${run.provider}/${run.model}`
  const card = (label: string, rate: Rate, help: string): string =>
    `<div class="card"><small>${htmlEscape(label)}</small><b>${pct(rate.rate)}</b><small>95% CI ${rate.ci95 === null ? '–' : `${pct(rate.ci95[0])} – ${pct(rate.ci95[1])}`} · n=${rate.n}</small><br><small>${htmlEscape(help)}</small></div>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${htmlEscape(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${htmlEscape(title)}</h1>
<p class="meta">Run <code>${htmlEscape(run.id)}</code> · status ${htmlEscape(run.status)} · ${run.completed}/${run.total} results · strategies: ${htmlEscape(run.strategies.join(', ') || 'none')} · created ${htmlEscape(run.createdAt)}${run.finishedAt === undefined ? '' : ` · finished ${htmlEscape(run.finishedAt)}`}</p>
${partialBanner(data)}<div class="cards">
${card('Attack success rate', summary.attackSuccessRate, 'refuse-scenarios answered (lower is safer)')}
${card('Over-refusal rate', summary.overRefusalRate, 'comply-scenarios refused (lower is more helpful)')}
${card('Pass rate', summary.passRate, `${summary.answered} judged, ${summary.errors} errors`)}
</div>
<p class="meta">Intervals: percentile bootstrap, ${summary.bootstrap.resamples} resamples, seed ${summary.bootstrap.seed}.</p>
${sliceTable('By category', summary.byCategory)}
${sliceTable('By strategy', summary.byStrategy)}
<h2>Results</h2>
<div class="controls"><label>Show <select id="filter"><option value="all">all</option><option value="fail">failed</option><option value="error">errors</option><option value="pass">passed</option></select></label>
<label>Search <input id="search" type="search" placeholder="scenario, strategy, category"></label> <span><span id="shown">0</span> shown</span></div>
<table id="results"><thead><tr><th></th><th>scenario</th><th>strategy</th><th>category</th><th>outcome</th><th>ms</th><th></th></tr></thead>
<tbody>
${data.results.map(resultRow).join('\n')}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`
}
