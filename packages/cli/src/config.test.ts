import { describe, expect, it } from 'vitest'
import {
  ConfigError,
  ingestApiSettingsOf,
  readDistributedConfig,
  readEmbeddedConfig,
} from './config.js'

const distributed = { DATABASE_URL: 'postgres://db/anansi', KAFKA_BROKERS: 'kafka:9092' }

describe('ingest API settings from the environment', () => {
  it('defaults to no CORS origins and 200 requests/s with bursts of 400, in both deployments', () => {
    const expected = { corsOrigins: [], rateLimit: { perSecond: 200, burst: 400 } }
    expect(readEmbeddedConfig({}).api).toEqual(expected)
    expect(ingestApiSettingsOf(readDistributedConfig(distributed))).toEqual(expected)
  })

  it('reads a comma-separated origin list and the token bucket', () => {
    const env = {
      ANANSI_CORS_ORIGINS: ' https://app.example.com, http://localhost:5173 ,',
      ANANSI_RATE_LIMIT_PER_SECOND: '2.5',
      ANANSI_RATE_LIMIT_BURST: '10',
    }
    const expected = {
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      rateLimit: { perSecond: 2.5, burst: 10 },
    }
    expect(readEmbeddedConfig(env).api).toEqual(expected)
    expect(ingestApiSettingsOf(readDistributedConfig({ ...distributed, ...env }))).toEqual(expected)
  })

  it.each([
    ['ANANSI_CORS_ORIGINS', 'https://app.example.com/'],
    ['ANANSI_CORS_ORIGINS', 'https://app.example.com/path'],
    ['ANANSI_CORS_ORIGINS', 'app.example.com'],
    ['ANANSI_CORS_ORIGINS', '*'],
    ['ANANSI_CORS_ORIGINS', 'ftp://files.example.com'],
    ['ANANSI_RATE_LIMIT_PER_SECOND', '0'],
    ['ANANSI_RATE_LIMIT_PER_SECOND', '-1'],
    ['ANANSI_RATE_LIMIT_PER_SECOND', 'fast'],
    ['ANANSI_RATE_LIMIT_BURST', '0'],
    ['ANANSI_RATE_LIMIT_BURST', '1.5'],
  ])('refuses %s=%s with a ConfigError naming the variable', (name, value) => {
    for (const read of [
      () => readEmbeddedConfig({ [name]: value }),
      () => readDistributedConfig({ ...distributed, [name]: value }),
    ]) {
      expect(read).toThrow(ConfigError)
      expect(read).toThrow(new RegExp(`^\\s+${name}(\\.\\d+)?: `, 'm'))
    }
  })
})
