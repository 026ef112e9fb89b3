// The anomaly detectors' detection delay and false alarms on seeded synthetic streams: the table in
// the package README. `bench/detectors.ts` prints it; test/detector-readme.test.ts re-measures it
// and fails when the README drifts.
import type { DetectorMethod } from '@anansi/protocol'
import { detectorSettingsSchema } from '../src/anomaly/detector-settings.js'
import { runShiftExperiment } from '../src/anomaly/synthetic-streams.js'

/** The experiment behind the README table; every number in the table follows from these. */
export const DETECTOR_EXPERIMENT = {
  methods: ['zscore', 'robust_zscore'] as readonly DetectorMethod[],
  shifts: [1, 2, 3, 4, 6],
  seeds: 20,
  mean: 100,
  sd: 10,
  normal: 10_000,
  after: 1_000,
} as const

/** One row of the table: a method against one shift size over every seed. */
export interface DetectorQualityRow {
  method: DetectorMethod
  shiftSigmas: number
  falseAlarmsPer10k: number
  medianDelay: number | null
  worstDelay: number | null
  missed: number
  runs: number
}

/** Runs every (method, shift, seed) of the experiment and summarises each (method, shift). */
export function measureDetectorQuality(
  experiment: typeof DETECTOR_EXPERIMENT = DETECTOR_EXPERIMENT,
): DetectorQualityRow[] {
  return experiment.methods.flatMap((method) =>
    experiment.shifts.map((shiftSigmas) => {
      const outcomes = Array.from({ length: experiment.seeds }, (_, i) =>
        runShiftExperiment({
          seed: i + 1,
          mean: experiment.mean,
          sd: experiment.sd,
          normal: experiment.normal,
          shiftSigmas,
          after: experiment.after,
          method,
        }),
      )
      const delays = outcomes
        .map((o) => o.detectionDelay)
        .filter((d): d is number => d !== null)
        .sort((a, b) => a - b)
      return {
        method,
        shiftSigmas,
        falseAlarmsPer10k:
          outcomes.reduce((sum, o) => sum + o.falseAlarmsPer10k, 0) / outcomes.length,
        medianDelay: delays[delays.length >> 1] ?? null,
        worstDelay: delays[delays.length - 1] ?? null,
        missed: outcomes.length - delays.length,
        runs: outcomes.length,
      }
    }),
  )
}

/** The table's header cells. */
export const TABLE_HEADER = [
  'method',
  'shift',
  'false alarms / 10k normal points',
  'median delay (points)',
  'worst delay',
  'missed',
] as const

/** The cells of one row exactly as the README shows them. */
export function rowCells(row: DetectorQualityRow): string[] {
  return [
    row.method,
    `${row.shiftSigmas} σ`,
    row.falseAlarmsPer10k.toFixed(1),
    String(row.medianDelay ?? '–'),
    String(row.worstDelay ?? '–'),
    `${row.missed}/${row.runs}`,
  ]
}

/** The table as Markdown (prettier pads the columns in the README; the cells are what count). */
export function qualityTable(rows: readonly DetectorQualityRow[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [
    line(TABLE_HEADER),
    line(TABLE_HEADER.map(() => '---')),
    ...rows.map((r) => line(rowCells(r))),
  ].join('\n')
}

/** The sentence that states the experiment in the README, generated so that it cannot drift. */
export function experimentSentence(
  experiment: typeof DETECTOR_EXPERIMENT = DETECTOR_EXPERIMENT,
): string {
  const defaults = detectorSettingsSchema.parse({})
  return (
    `${experiment.normal.toLocaleString('en-US')} N(${experiment.mean}, ${experiment.sd}²) points, then a level shift of k σ ` +
    `with ${experiment.after.toLocaleString('en-US')} points to find it in, ${experiment.seeds} seeds each, default settings ` +
    `(|z| ≥ ${defaults.threshold}, half-life ${defaults.halfLife} observations, robust window ${defaults.robustWindow}, ` +
    `${defaults.minSamples} samples minimum)`
  )
}
