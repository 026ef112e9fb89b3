#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { parsingArgs } from './commands/command-runner.js'
import { CommandError, EXIT, EXIT_CODES_HELP } from './commands/exit-codes.js'
import type { Role } from './commands/start.js'
import { ConfigError } from './config.js'

const USAGE = `usage: anansi <command> [options]        (anansi <command> --help for its options)

commands:
  dev                               the whole platform in one process on the embedded default
                                    (PGlite database and event log in ./.anansi, port 8787)
  start --role ingest|processor|all the distributed platform on Postgres and Kafka
                                    (DATABASE_URL, KAFKA_BROKERS, … — see docs/configuration.md)
  migrate                           apply database migrations (DATABASE_URL, else the embedded one)
  keys create|list|revoke           manage API keys on the database
  evaluate "<answer>"               run the evaluators locally; exit 3 when unsafe
  tail                              follow live events and verdicts of a running API
  test run|compare|list             safety test suites against a model (anansi test --help)

every command but dev and start takes --json (one JSON document; NDJSON for tail)

${EXIT_CODES_HELP}`

// Each command loads only what it needs: `evaluate` and `tail` start fast without the platform.
/** The admin commands: each parses its own arguments and returns its exit code. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  migrate: async (args) => (await import('./commands/migrate.js')).runMigrate(print, args),
  keys: async (args) => (await import('./commands/keys.js')).runKeys(print, args),
  evaluate: async (args) => (await import('./commands/evaluate.js')).runEvaluate(print, args),
  tail: async (args) => (await import('./commands/tail.js')).runTail(print, args),
  test: async (args) => {
    const { runTestCommand } = await import('@anansi/test-runner')
    const cancel = new AbortController()
    process.once('SIGINT', () => cancel.abort())
    return runTestCommand(print, args, process.env, {
      progress: process.stderr,
      signal: cancel.signal,
    })
  },
}

function print(line: string): void {
  console.log(line)
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv
  const admin = first !== undefined && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined
  if (admin !== undefined) return admin(rest)
  const { positionals, values } = parsingArgs(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }),
  )
  const [command] = positionals
  if (values.help === true || command === undefined) {
    process.stdout.write(USAGE)
    return values.help === true ? EXIT.ok : EXIT.usage
  }
  if (command === 'dev') return (await import('./commands/dev.js')).runDev(print)
  if (command === 'start') {
    const role = values.role ?? 'all'
    if (role !== 'ingest' && role !== 'processor' && role !== 'all') {
      process.stderr.write(`anansi start: --role must be ingest, processor or all\n${USAGE}`)
      return EXIT.usage
    }
    return (await import('./commands/start.js')).runStart(print, role satisfies Role)
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
    if (error instanceof CommandError) process.stderr.write(USAGE)
    process.exitCode =
      error instanceof CommandError
        ? error.exitCode
        : error instanceof ConfigError
          ? EXIT.config
          : EXIT.failed
  },
)
