import { detectorSettingsSchema, type DetectorSettings } from '@anansi/stream-processor'
import { z } from 'zod'
import { ConfigError } from './config.js'

// The processor's own defaults, so the documented values cannot drift from the library's.
const DEFAULTS: DetectorSettings = detectorSettingsSchema.parse({})

/** The anomaly-detector settings every processor (`anansi dev`, `anansi start`) reads. */
export const detectorConfigSchema = z.object({
  ANANSI_DETECTOR_HALF_LIFE: z.coerce.number().positive().max(1e9).default(DEFAULTS.halfLife),
  ANANSI_DETECTOR_THRESHOLD: z.coerce.number().positive().max(1_000).default(DEFAULTS.threshold),
  ANANSI_DETECTOR_MIN_SAMPLES: z.coerce.number().int().min(2).max(1e9).default(DEFAULTS.minSamples),
})

/** The detector settings for `startStreamProcessor`'s `detectors` option. */
export type DetectorConfig = Pick<DetectorSettings, 'halfLife' | 'threshold' | 'minSamples'>

/**
 * Reads the detectors' half-life, z-score threshold and minimum samples from the environment;
 * throws a ConfigError listing every bad variable.
 */
export function readDetectorConfig(env: NodeJS.ProcessEnv = process.env): DetectorConfig {
  const parsed = detectorConfigSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new ConfigError(`invalid configuration:\n${lines}`)
  }
  return {
    halfLife: parsed.data.ANANSI_DETECTOR_HALF_LIFE,
    threshold: parsed.data.ANANSI_DETECTOR_THRESHOLD,
    minSamples: parsed.data.ANANSI_DETECTOR_MIN_SAMPLES,
  }
}
