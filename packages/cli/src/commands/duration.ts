/** Milliseconds per unit of a duration like `30d` or `1w2d` (a year is 365 days). */
export const DURATION_UNITS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
} as const

/** A duration unit letter. */
export type DurationUnit = keyof typeof DURATION_UNITS

const WHOLE = /^(?:\d{1,6}[smhdwy])+$/
const PART = /(\d{1,6})([smhdwy])/g

/**
 * Parses a duration such as `30d`, `12h`, `90m`, `1w2d` or `1y` into milliseconds; undefined when
 * the text is anything else (no spaces, signs, decimals or unknown units; at most six digits a part).
 */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(PART))
    total += Number(amount) * DURATION_UNITS[unit as DurationUnit]
  return total
}

/** Writes milliseconds (a whole number of seconds) as the shortest duration `parseDuration` reads back. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms % 1_000 !== 0)
    throw new RangeError(`not a positive whole number of seconds: ${ms}`)
  const units = Object.entries(DURATION_UNITS).reverse() as [DurationUnit, number][]
  let rest = ms
  let text = ''
  for (const [unit, size] of units) {
    const amount = Math.floor(rest / size)
    if (amount > 0) text += `${amount}${unit}`
    rest -= amount * size
  }
  return text
}
