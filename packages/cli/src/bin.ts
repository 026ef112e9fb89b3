#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { runDev } from './commands/dev.js'

const USAGE = `usage: anansi <command>

commands:
  dev        run the platform on the embedded default (PGlite in ./.anansi)
`

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true })
  const print = (line: string): void => console.log(line)
  if (positionals[0] === 'dev') return runDev(print)
  process.stderr.write(USAGE)
  return 2
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`anansi: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
