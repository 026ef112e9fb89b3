/** CPU and wall time of a loop of calls, per call, in microseconds. */
export interface RoundResult {
  cpuUs: number
  wallUs: number
}

/** Runs `call` `n` times in sequence (then `after`, inside the measurement) and times it. */
export async function round(
  n: number,
  call: () => Promise<unknown>,
  after?: () => Promise<unknown>,
): Promise<RoundResult> {
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  for (let i = 0; i < n; i += 1) await call()
  if (after) await after()
  const cpu = process.cpuUsage(cpu0)
  const wall = performance.now() - wall0
  return { cpuUs: (cpu.user + cpu.system) / n, wallUs: (wall * 1000) / n }
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** Rounds to two decimals for the report. */
export const r2 = (value: number): number => Math.round(value * 100) / 100
