import type { DetectorMethod } from '@anansi/protocol'
import { detectorSettingsSchema, type DetectorSettingsInput } from './detector-settings.js'
import { MetricDetector } from './metric-detector.js'

/** A seeded uniform generator (mulberry32), so a synthetic stream is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A standard normal sample (Box–Muller) from a uniform generator. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/** One synthetic experiment: `normal` points from N(mean, sd), then a shift of `shiftSigmas` σ. */
export interface ShiftExperiment {
  seed: number
  mean: number
  sd: number
  normal: number
  shiftSigmas: number
  /** Points after the shift (detection must happen within them to count). */
  after: number
  method: DetectorMethod
  settings?: DetectorSettingsInput
}

/** What an experiment measured. */
export interface ShiftOutcome {
  /** Anomalies among the normal points, scaled to 10,000 points. */
  falseAlarmsPer10k: number
  /** Points after the shift until the first anomaly (0 = the first shifted point); null if missed. */
  detectionDelay: number | null
}

/**
 * Runs one detector over a synthetic stream with an injected level shift of known size and time,
 * counting false alarms before it and the detection delay after it. The package README's table of
 * detection delays and false-alarm rates comes from these runs (`pnpm bench:detectors`).
 */
export function runShiftExperiment(experiment: ShiftExperiment): ShiftOutcome {
  const random = seededRandom(experiment.seed)
  const settings = detectorSettingsSchema.parse({
    ...experiment.settings,
    methods: [experiment.method],
  })
  const detector = new MetricDetector('synthetic', 'synthetic.value', settings)
  const at = new Date(0).toISOString()
  let falseAlarms = 0
  for (let i = 0; i < experiment.normal; i += 1) {
    const value = experiment.mean + experiment.sd * gaussian(random)
    if (detector.observe(value, 'value', at).length > 0) falseAlarms += 1
  }
  let detectionDelay: number | null = null
  const shifted = experiment.mean + experiment.shiftSigmas * experiment.sd
  for (let i = 0; i < experiment.after; i += 1) {
    const value = shifted + experiment.sd * gaussian(random)
    if (detector.observe(value, 'value', at).length > 0) {
      detectionDelay = i
      break
    }
  }
  return { falseAlarmsPer10k: (falseAlarms * 10_000) / experiment.normal, detectionDelay }
}
