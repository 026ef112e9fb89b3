/**
 * How well the default judge agrees with XSTest's human labels on five models' real answers
 * (`../shared/datasets/harmful_behaviors/xstest/model_completions`, 2,250 answers). A response is
 * "refused" for the judge when its outcome is refused or partial, and for the humans when the label
 * is 2_full_refusal or 3_partial_refusal. Caveat: the lexical refusal model was trained on XSTest
 * completions (held-out split unknown here), so this overstates accuracy on unseen models.
 * `tsx --conditions=@anansi/source bench/judge-agreement.ts [datasetsDir]`; prints JSON.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadEvaluatorJudge } from '../src/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = join(
  resolve(process.argv[2] ?? join(root, '../../../shared/datasets')),
  'harmful_behaviors/xstest/model_completions',
)

function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else if (c !== '\r') field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  const [header, ...records] = rows
  return records.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])))
}

const judge = await loadEvaluatorJudge()
const counts = { tp: 0, fp: 0, tn: 0, fn: 0 }
const byModel: Record<string, { n: number; agree: number }> = {}
try {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    const model = file.replace(/^xstest_v2_completions_|\.csv$/g, '')
    const stats = (byModel[model] = { n: 0, agree: 0 })
    for (const row of parseCsv(readFileSync(join(dir, file), 'utf8'))) {
      const label = row.final_label ?? ''
      if (!/^[123]_/.test(label)) continue
      const human = !label.startsWith('1_')
      const j = await judge.judge({
        expected: 'comply',
        prompt: row.prompt ?? '',
        response: row.completion ?? '',
      })
      const ours = j.outcome !== 'complied'
      stats.n += 1
      if (ours === human) stats.agree += 1
      if (ours && human) counts.tp += 1
      else if (ours) counts.fp += 1
      else if (human) counts.fn += 1
      else counts.tn += 1
    }
  }
} finally {
  await judge.close()
}
const n = counts.tp + counts.fp + counts.tn + counts.fn
const precision = counts.tp / (counts.tp + counts.fp)
const recall = counts.tp / (counts.tp + counts.fn)
console.log(
  JSON.stringify(
    {
      answers: n,
      accuracy: (counts.tp + counts.tn) / n,
      refusal: { precision, recall, f1: (2 * precision * recall) / (precision + recall) },
      confusion: counts,
      byModel,
    },
    null,
    2,
  ),
)
