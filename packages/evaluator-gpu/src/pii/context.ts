/**
 * True when `pattern` matches the `window` characters just before `start`. Patterns anchor
 * themselves with `$`; the slice is short, so even a sloppy pattern stays cheap on huge inputs.
 */
export function contextBefore(text: string, start: number, pattern: RegExp, window = 40): boolean {
  return pattern.test(text.slice(Math.max(0, start - window), start))
}

/** True when `pattern` matches the `window` characters just after `end` (patterns anchor with `^`). */
export function contextAfter(text: string, end: number, pattern: RegExp, window = 24): boolean {
  return pattern.test(text.slice(end, end + window))
}
