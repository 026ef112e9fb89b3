/**
 * Resources the distributed deployment gets for itself, so the numbers describe the platform and
 * not the state of shared services: a fresh database on the PostgreSQL server, and (by default) a
 * Kafka broker of its own, whose topics the platform creates as it would in production.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { connectPostgres } from '@anansi/store'
import { z } from 'zod'
import { REPO_ROOT } from './cli-process.js'

/** Something started for the run, and how to take it away again. */
export interface Scratch<T> {
  value: T
  /** Process ids serving it on this host, for CPU accounting (empty when unknown). */
  pids(): Promise<number[]>
  release(): Promise<void>
}

const backendRows = z.array(z.object({ pid: z.number() }))

/** A new database `name` on the server at `base` (dropped by `release`); its URL. */
export async function temporaryDatabase(base: string, name: string): Promise<Scratch<string>> {
  const admin = await connectPostgres({ url: base, maxConnections: 1 })
  try {
    await admin.execute(`create database ${name}`)
  } catch (error) {
    await admin.close()
    throw error
  }
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    value: url.toString(),
    // The server's backends for this database (a server on another host reports pids that /proc lacks).
    pids: async () =>
      backendRows
        .parse(
          await admin.db.execute(
            `select pid from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`,
          ),
        )
        .map((row) => row.pid),
    release: async () => {
      try {
        await admin.execute(`drop database if exists ${name} with (force)`)
      } finally {
        await admin.close()
      }
    },
  }
}

const KAFKA_SCRIPT = join(REPO_ROOT, 'infra', 'dev', 'kafka.sh')

/** A fresh single-node broker on `port` (infra/dev/kafka.sh, its own data dir); stopped by `release`. */
export function privateBroker(port: number): Promise<Scratch<string>> {
  const out = execFileSync('bash', [KAFKA_SCRIPT, 'start', '--fresh', '--port', String(port)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const last = out.trim().split('\n').at(-1) ?? ''
  if (!last.startsWith('KAFKA_BROKERS='))
    throw new Error(`kafka.sh start printed no KAFKA_BROKERS=…: ${out}`)
  const status = execFileSync('bash', [KAFKA_SCRIPT, 'status', '--port', String(port)], {
    encoding: 'utf8',
  })
  const pid = Number(/running \(pid (\d+)\)/.exec(status)?.[1])
  return Promise.resolve({
    value: last.slice('KAFKA_BROKERS='.length),
    pids: () => Promise.resolve(Number.isInteger(pid) ? [pid] : []),
    release: () => {
      execFileSync('bash', [KAFKA_SCRIPT, 'stop', '--port', String(port)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      return Promise.resolve()
    },
  })
}
