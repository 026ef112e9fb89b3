import { readFileSync } from 'node:fs'

// Linux reports process times in USER_HZ ticks, 100 per second on every mainstream kernel.
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux or once it is gone. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (error) {
    process.stderr.write(`[gate-bench] cannot read the CPU time of ${pid}: ${String(error)}\n`)
    return undefined
  }
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/** Total CPU seconds of some processes (those that can be read). */
export function cpuSecondsOfAll(pids: readonly (number | undefined)[]): number {
  return pids.reduce<number>((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0)
}

/** CPU seconds the whole machine has spent busy (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  // cpu  user nice system idle iowait irq softirq steal …
  const ticks = line.trim().split(/\s+/).slice(1).map(Number)
  const busy = ticks.reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0)
  return busy / TICKS_PER_SECOND
}
