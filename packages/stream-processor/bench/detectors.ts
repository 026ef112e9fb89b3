// Detection delay and false alarms of the anomaly detectors on seeded synthetic streams: 10,000
// normal points, then a level shift of k σ. Prints JSON (and a Markdown table on stderr for the
// README). `pnpm --filter @anansi/stream-processor bench:detectors`
import { runShiftExperiment } from '../src/anomaly/synthetic-streams.js'

const SHIFTS = [1, 2, 3, 4, 6]
const SEEDS = 20
const rows = (['zscore', 'robust_zscore'] as const).flatMap((method) =>
  SHIFTS.map((shiftSigmas) => {
    const outcomes = Array.from({ length: SEEDS }, (_, i) =>
      runShiftExperiment({
        seed: i + 1,
        mean: 100,
        sd: 10,
        normal: 10_000,
        shiftSigmas,
        after: 1_000,
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
process.stderr.write(
  [
    '| method | shift | false alarms / 10k normal points | median delay (points) | worst delay | missed |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.method} | ${r.shiftSigmas} σ | ${r.falseAlarmsPer10k.toFixed(1)} | ${r.medianDelay ?? '–'} | ${r.worstDelay ?? '–'} | ${r.missed}/${r.runs} |`,
    ),
  ].join('\n') + '\n',
)
process.stdout.write(
  `${JSON.stringify({ benchmark: 'anomaly detectors', settings: 'defaults (threshold 3, half-life 500, window 201, min samples 30)', rows }, null, 2)}\n`,
)
