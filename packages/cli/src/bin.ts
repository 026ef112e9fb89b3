#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { runDev } from './commands/dev.js'
import { runStart, type Role } from './commands/start.js'
import { ConfigError } from './config.js'

const USAGE = `usage: anansi <command> [options]

commands:
  dev                               the whole platform in one process on the embedded default
                                    (PGlite database and event log in ./.anansi, port 8787)
  start --role ingest|processor|all the distributed platform on Postgres and Kafka
                                    (DATABASE_URL, KAFKA_BROKERS, … — see docs/configuration.md)
`

/** Exit codes: 0 done, 1 failed while running, 2 bad usage, 78 bad configuration (EX_CONFIG). */
const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  const print = (line: string): void => console.log(line)
  const [command] = positionals
  if (values.help === true || command === undefined) {
    process.stdout.write(USAGE)
    return values.help === true ? EXIT.ok : EXIT.usage
  }
  if (command === 'dev') return runDev(print)
  if (command === 'start') {
    const role = values.role ?? 'all'
    if (role !== 'ingest' && role !== 'processor' && role !== 'all') {
      process.stderr.write(`anansi start: --role must be ingest, processor or all\n${USAGE}`)
      return EXIT.usage
    }
    return runStart(print, role satisfies Role)
  }
  process.stderr.write(`anansi: unknown command ${JSON.stringify(command)}\n${USAGE}`)
  return EXIT.usage
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`anansi: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = error instanceof ConfigError ? EXIT.config : EXIT.failed
  },
)
