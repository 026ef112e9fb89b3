import type { EvaluationResult, TextSpan } from '@anansi/protocol'
import type { InjectionScan } from './injection-detector.js'

/** The label a result carries when a planted instruction in a document decided it. */
export const INDIRECT_LABEL = 'indirect_injection'

/** What is known about the detector when folding its scan into a result. */
export interface DetectorInfo {
  modelId: string
  modelVersion: string
  threshold: number
}

/**
 * Maps a document score onto the direct model's scale so that one `score` and one `threshold` serve
 * both: piecewise linear, [0, indirect] → [0, direct] and [indirect, 1] → [direct, 1]. A policy's
 * threshold override for `jailbreak` therefore moves both cut-offs the same way.
 */
export function onDirectScale(score: number, indirect: number, direct: number): number {
  if (score >= indirect)
    return indirect >= 1
      ? 1
      : Math.min(1, direct + ((score - indirect) * (1 - direct)) / (1 - indirect))
  return indirect <= 0 ? 0 : Math.min((score * direct) / indirect, direct)
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Folds a document scan into the jailbreak result of the user's prompt. `labels.jailbreak` stays
 * the prompt's own probability and `labels.indirect_injection` is the highest document score;
 * `score` is the larger of the prompt's probability and the document score on the prompt model's
 * scale (see onDirectScale), so `flagged` is `score >= threshold` as before. Flagged windows become
 * `spans` whose label names the document (`context:<i>` or `tool:<i>`; offsets are in that
 * document), and `details.indirectInjection` lists every scanned document.
 */
export function withIndirectScan(
  result: EvaluationResult,
  scan: InjectionScan,
  detector: DetectorInfo,
  latencyMs: number,
): EvaluationResult {
  if (scan.documents.length === 0) return result
  const documentScore = scan.documents.reduce((max, d) => Math.max(max, d.score), 0)
  const documentFlagged = documentScore >= detector.threshold
  const mapped = onDirectScale(documentScore, detector.threshold, result.threshold)
  const flagged = result.flagged || documentFlagged
  // An unflagged document stays below the threshold whatever rounding does at the edge.
  const capped = documentFlagged ? mapped : Math.max(0, Math.min(mapped, result.threshold - 1e-9))
  const score = Math.max(result.score, capped)
  const indirectWins = documentFlagged && (!result.flagged || mapped >= result.score)
  const spans: TextSpan[] = [
    ...(result.spans ?? []),
    ...scan.documents.flatMap((d) =>
      d.flaggedWindows.map((w) => ({
        start: w.start,
        end: w.end,
        label: `${d.origin}:${d.index}`,
        score: w.score,
      })),
    ),
  ].slice(0, 1024)
  const truncated =
    result.truncated === true || scan.skipped > 0 || scan.documents.some((d) => d.truncated)
  return {
    ...result,
    score,
    label: indirectWins ? INDIRECT_LABEL : result.label,
    labels: { ...result.labels, [INDIRECT_LABEL]: documentScore },
    flagged,
    latencyMs,
    ...(truncated ? { truncated: true } : {}),
    ...(spans.length > 0 ? { spans } : {}),
    details: {
      ...(isRecord(result.details) ? result.details : {}),
      indirectInjection: {
        model: `${detector.modelId}@${detector.modelVersion}`,
        threshold: detector.threshold,
        score: documentScore,
        flagged: documentFlagged,
        skippedDocuments: scan.skipped,
        documents: scan.documents.map((d) => ({
          origin: d.origin,
          index: d.index,
          score: d.score,
          flagged: d.flagged,
          windows: d.windows,
          ...(d.truncated ? { truncated: true } : {}),
        })),
      },
    },
  }
}
