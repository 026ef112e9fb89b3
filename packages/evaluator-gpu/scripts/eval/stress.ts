import { binaryMetrics } from '../../src/metrics/binary-metrics.js'
import { atLeast, atMost, type Check } from './checks.js'
import { recordedAt } from './fairness.js'
import { crowsPairSchema, readJsonl, rowSchema, type CrowsPair } from './rows.js'

/** Scores texts with one model: the probability of its primary label, in input order. */
export type ScoreTexts = (texts: readonly string[]) => Promise<number[]>

export const CROWS_PAIRS_FILE = 'eval-data/bias.crows_pairs.jsonl'
export const BIPIA_FILE = 'eval-data/jailbreak.bipia.jsonl'

interface PairSummary {
  n: number
  more_scored_higher: number
  ties: number
  sent_more_flagged: number
  sent_less_flagged: number
}

function summarizePairs(
  pairs: readonly number[],
  more: readonly number[],
  less: readonly number[],
  threshold: number,
): PairSummary {
  const share = (test: (i: number) => boolean): number =>
    pairs.length === 0 ? 0 : pairs.filter(test).length / pairs.length
  const at = (scores: readonly number[], i: number): number => scores[i] ?? 0
  return {
    n: pairs.length,
    more_scored_higher: share((i) => at(more, i) > at(less, i)),
    ties: pairs.filter((i) => at(more, i) === at(less, i)).length,
    sent_more_flagged: share((i) => at(more, i) >= threshold),
    sent_less_flagged: share((i) => at(less, i) >= threshold),
  }
}

/**
 * CrowS-Pairs (evaluation only): how often the more-stereotyping sentence of a minimal pair scores
 * higher. Gated (at least the manifest's `crows_pairs` numbers) overall, on stereotype pairs and
 * per bias type; anti-stereotype pairs and flag rates are reported, since neither direction is
 * plainly better there.
 */
export async function scoreCrowsPairs(
  model: string,
  score: ScoreTexts,
  threshold: number,
  metrics: Record<string, unknown> | undefined,
): Promise<{ report: Record<string, unknown>; checks: Check[] }> {
  const pairs: CrowsPair[] = readJsonl(CROWS_PAIRS_FILE, crowsPairSchema)
  const more = await score(pairs.map((p) => p.sent_more))
  const less = await score(pairs.map((p) => p.sent_less))
  const indices = (test: (p: CrowsPair) => boolean): number[] =>
    pairs.flatMap((p, i) => (test(p) ? [i] : []))
  const summary = (test: (p: CrowsPair) => boolean): PairSummary =>
    summarizePairs(indices(test), more, less, threshold)
  const byType: Record<string, PairSummary> = {}
  for (const type of [...new Set(pairs.map((p) => p.bias_type))].sort())
    byType[type] = summary((p) => p.bias_type === type)
  const report = {
    overall: summary(() => true),
    stereo: summary((p) => p.stereo_antistereo === 'stereo'),
    antistereo: summary((p) => p.stereo_antistereo === 'antistereo'),
    by_bias_type: byType,
  }
  const gate = (path: string[], measured: number): Check =>
    atLeast(
      model,
      `crows_pairs.${path.join('.')}.more_scored_higher`,
      measured,
      recordedAt(metrics, ['crows_pairs', ...path, 'more_scored_higher']),
    )
  const checks = [
    gate(['overall'], report.overall.more_scored_higher),
    gate(['stereo'], report.stereo.more_scored_higher),
    ...Object.entries(byType).map(([type, s]) =>
      gate(['by_bias_type', type], s.more_scored_higher),
    ),
  ]
  return { report, checks }
}

const BIPIA_KINDS = ['email', 'table', 'code', 'all'] as const
const AT_LEAST = ['precision', 'recall', 'f1', 'auroc', 'auprc'] as const

/**
 * Where a manifest records a BIPIA number: lexical manifests per kind (`bipia_stress.email.auroc`),
 * semantic ones for the whole set (`whole_text_truncated_256`) plus an AUROC per kind.
 */
function recordedBipia(
  metrics: Record<string, unknown> | undefined,
  kind: (typeof BIPIA_KINDS)[number],
  key: string,
): number | null {
  const lexical = recordedAt(metrics, ['bipia_stress', kind, key])
  if (lexical !== null) return lexical
  if (kind === 'all') return recordedAt(metrics, ['bipia_stress', 'whole_text_truncated_256', key])
  return key === 'auroc'
    ? recordedAt(metrics, ['bipia_stress', `per_kind:${kind}`, 'whole_auroc'])
    : null
}

/**
 * BIPIA indirect prompt injection (never trained on): clean retrieved documents vs the same
 * documents with one injected instruction, scored on the whole text. Every number the manifest
 * records is gated; the semantic tier's sliding-window variant is a training-time experiment the
 * runtime does not implement, so it is not recomputed.
 */
export async function scoreBipia(
  model: string,
  score: ScoreTexts,
  threshold: number,
  metrics: Record<string, unknown> | undefined,
): Promise<{ report: Record<string, unknown>; checks: Check[] }> {
  const rows = readJsonl(BIPIA_FILE, rowSchema)
  const scores = await score(rows.map((r) => r.text ?? ''))
  const report: Record<string, unknown> = {}
  const checks: Check[] = []
  for (const kind of BIPIA_KINDS) {
    const picked = rows.flatMap((r, i) =>
      kind === 'all' || r.source?.endsWith(`/${kind}`) === true ? [i] : [],
    )
    const measured = binaryMetrics(
      picked.map((i) => scores[i] ?? 0),
      picked.map((i) => rows[i]?.labels?.jailbreak ?? 0),
      threshold,
    )
    report[kind] = measured
    for (const key of AT_LEAST) {
      const want = recordedBipia(metrics, kind, key)
      const got = measured[key]
      if (want !== null && got !== null)
        checks.push(atLeast(model, `bipia.${kind}.${key}`, got, want))
    }
    const fpr = recordedBipia(metrics, kind, 'false_positive_rate')
    if (fpr !== null)
      checks.push(
        atMost(model, `bipia.${kind}.false_positive_rate`, measured.falsePositiveRate, fpr),
      )
  }
  return { report, checks }
}
