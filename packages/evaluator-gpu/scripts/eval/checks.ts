/** How far a measured metric may fall short of the manifest's number before `eval` fails. */
export const TOLERANCE = 0.01

/** One gated metric: the manifest's number, what the TypeScript runtime measured, and the verdict. */
export interface Check {
  model: string
  metric: string
  measured: number
  /** null when the manifest records no number for a metric that must be gated: a failure too. */
  recorded: number | null
  /** `at_least` for quality (F1, recall, AUROC…), `at_most` for error rates (false positives). */
  bound: 'at_least' | 'at_most'
  ok: boolean
}

/** Gates a higher-is-better metric: it may not fall more than TOLERANCE below the recorded one. */
export function atLeast(
  model: string,
  metric: string,
  measured: number,
  recorded: number | null,
): Check {
  const ok = recorded !== null && measured >= recorded - TOLERANCE
  return { model, metric, measured, recorded, bound: 'at_least', ok }
}

/** Gates a lower-is-better rate: it may not rise more than TOLERANCE above the recorded one. */
export function atMost(
  model: string,
  metric: string,
  measured: number,
  recorded: number | null,
): Check {
  const ok = recorded !== null && measured <= recorded + TOLERANCE
  return { model, metric, measured, recorded, bound: 'at_most', ok }
}
