import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serviceAddress } from '../../../tooling/test-services.js'

const run = promisify(execFile)
const script = new URL('../../../infra/dev/kafka.sh', import.meta.url).pathname
const scratch = mkdtempSync(join(tmpdir(), 'kafka-sh-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A JAVA_HOME whose `java -version` prints `banner` (as a real JDK does, on stderr). */
function fakeJavaHome(name: string, banner: string): string {
  const home = join(scratch, name)
  mkdirSync(join(home, 'bin'), { recursive: true })
  const java = join(home, 'bin', 'java')
  writeFileSync(java, `#!/bin/sh\ncat >&2 <<'EOF'\n${banner}\nEOF\n`)
  chmodSync(java, 0o755)
  return home
}

const exited = z.object({ code: z.number(), stdout: z.string(), stderr: z.string() })

/** Runs kafka.sh with an isolated cache and data folder, so nothing real is touched. */
async function kafkaSh(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('bash', [script, ...args], {
      env: {
        ...process.env,
        ANANSI_CACHE_DIR: join(scratch, 'cache'),
        KAFKA_DATA_DIR: join(scratch, 'data'),
        ...env,
      },
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    // execFile rejects with the exit code and both outputs when the script exits non-zero.
    return exited.parse(error)
  }
}

describe('infra/dev/kafka.sh', () => {
  it.each([
    [
      'Java 8',
      'java version "1.8.0_292"\nJava(TM) SE Runtime Environment (build 1.8.0_292-b10)',
      8,
    ],
    ['Java 11', 'openjdk version "11.0.21" 2023-10-17\nOpenJDK Runtime Environment', 11],
  ])('refuses to start on %s with an error that says what to install', async (_, banner, major) => {
    const home = fakeJavaHome(`java-${major}`, banner)
    const result = await kafkaSh(['start', '--port', '19493'], { JAVA_HOME: home })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('needs Java 17 or newer')
    expect(result.stderr).toContain(`is Java ${major};`)
    expect(result.stderr).toContain('JAVA_HOME')
    expect(result.stdout).not.toContain('KAFKA_BROKERS=') // nothing was started
  })

  it('refuses a java whose version it cannot read', async () => {
    const home = fakeJavaHome('java-odd', 'something else entirely')
    const result = await kafkaSh(['start', '--port', '19493'], { JAVA_HOME: home })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('could not read the version')
  })

  const brokers = serviceAddress('KAFKA_BROKERS')
  const local = /^127\.0\.0\.1:(\d+)$/.exec(brokers ?? '')
  it.skipIf(local === null)(
    'start on a running broker is idempotent: it answers with the same address',
    async () => {
      // The broker the tests use, started by the same script: no isolated folders here.
      const { stdout, stderr } = await run('bash', [script, 'start', '--port', local?.[1] ?? ''], {
        timeout: 60_000,
      })
      expect(stdout.trim().split('\n').at(-1)).toBe(`KAFKA_BROKERS=${brokers}`)
      expect(stderr).toContain('already running')
    },
  )
})
