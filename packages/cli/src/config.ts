import { resolve } from 'node:path'
import { z } from 'zod'

/** The port the SDK talks to by default (`http://localhost:8787`). */
export const DEFAULT_PORT = 8787

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')

const tiers = z
  .string()
  .default('lexical')
  .transform((value) => value.split(',').map((tier) => tier.trim()))
  .pipe(z.array(z.enum(['lexical', 'semantic'])).min(1))

// An origin exactly as a browser sends it: scheme, host and optional port, nothing after.
const origin = z.string().refine((value) => {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  } catch {
    return false
  }
}, 'expected origins like https://app.example.com (scheme, host, optional port; no path or slash)')

/** What both deployments read for the ingest API's browser access and per-key rate limit. */
const ingestApiSettings = {
  ANANSI_CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(origin))
    .optional(),
  ANANSI_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1e9).default(200),
  ANANSI_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1e9).default(400),
}

/** The ingest API's CORS and rate-limit settings, as `createIngestApi` takes them. */
export interface IngestApiSettings {
  corsOrigins: string[]
  rateLimit: { perSecond: number; burst: number }
}

/** Picks the ingest API settings out of either validated configuration. */
export function ingestApiSettingsOf(config: {
  ANANSI_CORS_ORIGINS?: string[] | undefined
  ANANSI_RATE_LIMIT_PER_SECOND: number
  ANANSI_RATE_LIMIT_BURST: number
}): IngestApiSettings {
  return {
    corsOrigins: config.ANANSI_CORS_ORIGINS ?? [],
    rateLimit: {
      perSecond: config.ANANSI_RATE_LIMIT_PER_SECOND,
      burst: config.ANANSI_RATE_LIMIT_BURST,
    },
  }
}

/** Settings of `anansi dev` (the embedded deployment), from the environment. */
export const embeddedConfigSchema = z.object({
  ANANSI_DATA_DIR: z.string().min(1).default('.anansi'),
  ANANSI_HOST: z.string().min(1).default('127.0.0.1'),
  ANANSI_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  ANANSI_EVAL_TIERS: tiers,
  /** Local development sends webhooks to local receivers, so private targets are allowed by default. */
  ANANSI_ALLOW_PRIVATE_WEBHOOKS: booleanFlag.default(true),
  ...ingestApiSettings,
})

/** Settings of `anansi start` (the distributed deployment), from the environment. */
export const distributedConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .describe('PostgreSQL server'),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).min(1)),
  ANANSI_HOST: z.string().min(1).default('0.0.0.0'),
  ANANSI_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  ANANSI_EVAL_TIERS: tiers,
  /** Only when creating the events topic; an existing topic keeps its partitions unless this asks for more. */
  ANANSI_EVENT_PARTITIONS: z.coerce.number().int().min(1).max(1_024).optional(),
  ANANSI_PROCESSOR_GROUP: z.string().min(1).default('anansi-processor'),
  ANANSI_REPLICA_ID: z.string().min(1).optional(),
  ANANSI_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
  ANANSI_ALLOW_PRIVATE_WEBHOOKS: booleanFlag.default(false),
  ...ingestApiSettings,
})

/** Embedded settings with paths resolved. */
export interface EmbeddedConfig {
  dataDir: string
  databaseDir: string
  logDir: string
  host: string
  port: number
  tiers: ('lexical' | 'semantic')[]
  allowPrivateWebhooks: boolean
  api: IngestApiSettings
}

/** Distributed settings after validation. */
export type DistributedConfig = z.infer<typeof distributedConfigSchema>

/** A configuration the process cannot start with; the message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = 'invalid_config'
}

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new ConfigError(`invalid configuration:\n${lines}`)
  }
  return parsed.data
}

/** Reads and validates the embedded configuration; throws a ConfigError listing every bad variable. */
export function readEmbeddedConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const config = parse(embeddedConfigSchema, env)
  const dataDir = resolve(config.ANANSI_DATA_DIR)
  return {
    dataDir,
    databaseDir: resolve(dataDir, 'db'),
    logDir: resolve(dataDir, 'log'),
    host: config.ANANSI_HOST,
    port: config.ANANSI_PORT,
    tiers: config.ANANSI_EVAL_TIERS,
    allowPrivateWebhooks: config.ANANSI_ALLOW_PRIVATE_WEBHOOKS,
    api: ingestApiSettingsOf(config),
  }
}

/** Reads and validates the distributed configuration; throws a ConfigError listing every bad variable. */
export function readDistributedConfig(env: NodeJS.ProcessEnv = process.env): DistributedConfig {
  return parse(distributedConfigSchema, env)
}
