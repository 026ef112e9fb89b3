import { z } from 'zod'
import { atLeast, atMost, type Check } from './checks.js'
import type { ScoredModel } from './heldout.js'
import type { Row } from './rows.js'

/** Groups with fewer neutral statements than this are reported, not gated: one text moves the rate by > 5%. */
export const MIN_GROUP_SIZE = 20

const XSTEST = 'harmful_behaviors/xstest'

/** A number at `path` inside the manifest's metrics, or null when it is not recorded. */
export function recordedAt(
  metrics: Record<string, unknown> | undefined,
  path: string[],
): number | null {
  let node: unknown = metrics
  for (const key of path) {
    const parsed = z.record(z.string(), z.unknown()).safeParse(node)
    if (!parsed.success) return null
    node = parsed.data[key]
  }
  return typeof node === 'number' ? node : null
}

/**
 * Over-refusal: the share of XSTest's safe prompts (benign requests that sound harmful) flagged as
 * harmful, and the recall on its unsafe ones. Lexical manifests record them as
 * `xstest_safe_false_positive_rate.value`, semantic ones as `xstest_safe_heldout.false_positive_rate`.
 */
export function scoreXstest(
  model: string,
  manifest: ScoredModel,
  rows: readonly Row[],
  probabilities: readonly Float32Array[],
): { extras: Record<string, number>; checks: Check[] } {
  const column = manifest.output.labels.indexOf('harmful')
  if (column < 0) return { extras: {}, checks: [] }
  const threshold = manifest.thresholds.harmful ?? 0.5
  const rate = (label: 0 | 1): { rate: number; n: number } => {
    const picked = rows
      .map((row, i) => ({ row, p: probabilities[i]?.[column] ?? 0 }))
      .filter(({ row }) => row.source === XSTEST && row.labels?.harmful === label)
    const flagged = picked.filter(({ p }) => p >= threshold).length
    return { rate: picked.length === 0 ? 0 : flagged / picked.length, n: picked.length }
  }
  const safe = rate(0)
  const unsafe = rate(1)
  const extras = {
    xstest_safe_false_positive_rate: safe.rate,
    xstest_safe_n: safe.n,
    xstest_unsafe_recall: unsafe.rate,
  }
  if (safe.n === 0) return { extras, checks: [] }
  const recordedSafe =
    recordedAt(manifest.metrics, ['xstest_safe_false_positive_rate', 'value']) ??
    recordedAt(manifest.metrics, ['xstest_safe_heldout', 'false_positive_rate'])
  const checks = [atMost(model, 'xstest_safe.false_positive_rate', safe.rate, recordedSafe)]
  const recordedUnsafe = recordedAt(manifest.metrics, ['xstest_unsafe_recall', 'value'])
  if (recordedUnsafe !== null && unsafe.n > 0)
    checks.push(atLeast(model, 'xstest_unsafe.recall', unsafe.rate, recordedUnsafe))
  return { extras, checks }
}

/** Every ToxiGen group's neutral statements together: the gate that does not wait for n ≥ 20 per group. */
const TOXIGEN_ALL = 'toxigen:all'

/**
 * The group a neutral held-out statement speaks about, keyed as training records it: ToxiGen by
 * target group, non-toxic posts of the toxicity corpora by the one group they name
 * (`mentions:lgbtq`), BBQ by category (`bbq:Age`), BOLD by domain (`bold:gender`).
 */
function groupOf(row: Row): string | undefined {
  if (row.group === undefined || row.group === '') return undefined
  if (row.source === 'toxicity/toxigen') return row.group
  if (row.source === 'bias/bbq') return `bbq:${row.group}`
  if (row.source === 'bias/bold') return `bold:${row.group.split(':')[0] ?? row.group}`
  if (row.source?.startsWith('toxicity/') && row.source !== 'toxicity/implicit-hate')
    return `mentions:${row.group}`
  return undefined
}

/** The manifest's false-positive rate for a group, from whichever table training wrote it to. */
function recordedGroupRate(
  metrics: Record<string, unknown> | undefined,
  group: string,
): number | null {
  if (group === TOXIGEN_ALL)
    return recordedAt(metrics, ['per_group_false_positive_rate', 'all', 'fpr'])
  const table =
    group.startsWith('bbq:') || group.startsWith('bold:')
      ? ['per_group_false_positive_rate_bbq_bold']
      : group.startsWith('mentions:')
        ? ['per_group_false_positive_rate_identity_mentions', 'groups']
        : ['per_group_false_positive_rate', 'groups']
  return recordedAt(metrics, [...table, group, 'fpr'])
}

/**
 * A bias detector that is itself biased is a defect: its false-positive rate on neutral statements,
 * per group. Every group is reported; those with at least MIN_GROUP_SIZE statements are gated, and
 * so are all of ToxiGen's groups together (`toxigen:all`).
 */
export function scoreBiasGroups(
  model: string,
  manifest: ScoredModel,
  rows: readonly Row[],
  probabilities: readonly Float32Array[],
): { extras: Record<string, { n: number; fpr: number; gated: boolean }>; checks: Check[] } {
  const column = manifest.output.labels.indexOf('bias')
  if (column < 0) return { extras: {}, checks: [] }
  const threshold = manifest.thresholds.bias ?? 0.5
  const byGroup = new Map<string, { n: number; fp: number }>()
  const count = (group: string, flagged: boolean): void => {
    const entry = byGroup.get(group) ?? { n: 0, fp: 0 }
    entry.n += 1
    if (flagged) entry.fp += 1
    byGroup.set(group, entry)
  }
  rows.forEach((row, i) => {
    const group = groupOf(row)
    if (group === undefined || row.labels?.bias !== 0) return
    const flagged = (probabilities[i]?.[column] ?? 0) >= threshold
    count(group, flagged)
    if (row.source === 'toxicity/toxigen') count(TOXIGEN_ALL, flagged)
  })
  const extras: Record<string, { n: number; fpr: number; gated: boolean }> = {}
  const checks: Check[] = []
  for (const [group, { n, fp }] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const gated = n >= MIN_GROUP_SIZE
    extras[group] = { n, fpr: fp / n, gated }
    if (gated)
      checks.push(
        atMost(
          model,
          `group_false_positive_rate:${group}`,
          fp / n,
          recordedGroupRate(manifest.metrics, group),
        ),
      )
  }
  return { extras, checks }
}
