import { describe, expect, it } from 'vitest'
import { ConfigError } from './config.js'
import { readDetectorConfig } from './detector-config.js'

describe('anomaly-detector settings from the environment', () => {
  it("defaults to the processor's own defaults", () => {
    expect(readDetectorConfig({})).toEqual({ halfLife: 500, threshold: 3, minSamples: 30 })
  })

  it('reads the half-life, threshold and minimum samples', () => {
    const env = {
      ANANSI_DETECTOR_HALF_LIFE: '2000',
      ANANSI_DETECTOR_THRESHOLD: '4.5',
      ANANSI_DETECTOR_MIN_SAMPLES: '100',
    }
    expect(readDetectorConfig(env)).toEqual({ halfLife: 2000, threshold: 4.5, minSamples: 100 })
  })

  it.each([
    ['ANANSI_DETECTOR_HALF_LIFE', '0'],
    ['ANANSI_DETECTOR_HALF_LIFE', '-5'],
    ['ANANSI_DETECTOR_HALF_LIFE', 'long'],
    ['ANANSI_DETECTOR_HALF_LIFE', ''],
    ['ANANSI_DETECTOR_THRESHOLD', '0'],
    ['ANANSI_DETECTOR_THRESHOLD', 'three'],
    ['ANANSI_DETECTOR_MIN_SAMPLES', '1'],
    ['ANANSI_DETECTOR_MIN_SAMPLES', '2.5'],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    const read = () => readDetectorConfig({ [name]: value })
    expect(read).toThrow(ConfigError)
    expect(read).toThrow(new RegExp(`^\\s+${name}: `, 'm'))
  })

  it('lists every bad variable at once', () => {
    const read = () =>
      readDetectorConfig({ ANANSI_DETECTOR_HALF_LIFE: '0', ANANSI_DETECTOR_MIN_SAMPLES: '0' })
    expect(read).toThrow(/ANANSI_DETECTOR_HALF_LIFE[\s\S]*ANANSI_DETECTOR_MIN_SAMPLES/)
  })
})
