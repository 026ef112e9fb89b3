import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { waitUntil } from './fixtures/wait.js'

const root = join(import.meta.dirname, '..')
const packageJson = z
  .object({ packageManager: z.string(), scripts: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')))
const pnpmVersion = packageJson.packageManager.replace(/^pnpm@/, '')

/** The command lines (comments dropped) of the README's first fenced bash block. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

describe("the README's two commands", () => {
  it('are the first thing in the README and bootstrap the pinned pnpm with npx (no pnpm needed)', () => {
    const pnpm = `npx --yes pnpm@${pnpmVersion}`
    expect(readmeCommands()).toEqual([
      `${pnpm} install && ${pnpm} start`,
      `${pnpm} install --frozen-lockfile && ${pnpm} test`,
    ])
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8')
    expect(ci).toContain(`PNPM_VERSION=${pnpmVersion}\n`)
    expect(ci).toMatch(/^pnpm test$/m)
  })

  describe('the start command', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'anansi-readme-'))
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

    it('starts the platform, whose printed first event gets a verdict, and stops cleanly on Ctrl-C', async () => {
      // What `pnpm start` runs: the script's command with the workspace's bins on PATH. Spawned
      // without a shell so SIGINT reaches the platform as Ctrl-C would (a shell dies of it first).
      const [command, ...args] = (packageJson.scripts.start ?? '').split(' ')
      expect(command).toBe('tsx')
      const child = spawn(join(root, 'node_modules', '.bin', command ?? ''), args, {
        cwd: root,
        env: { ...process.env, ANANSI_DATA_DIR: dataDir, ANANSI_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
      try {
        await waitUntil(
          () => (output.includes('stop with Ctrl-C') ? true : undefined),
          60_000,
          () => `no ready banner; output so far:\n${output}`,
        )
        const key = /^api key\s+(\S+)$/m.exec(output)?.[1]
        const post = /curl -s (\S+\/v1\/events) .* -d '(.+)'$/m.exec(output)
        const verdictUrl = /curl -s "(\S+\/verdict\?wait=\d+)"/.exec(output)?.[1]
        expect(key).toMatch(/^ansk_/)
        expect(post).not.toBeNull()
        const headers = { authorization: `Bearer ${key ?? ''}`, 'content-type': 'application/json' }
        const accepted = await fetch(post?.[1] ?? '', {
          method: 'POST',
          headers,
          body: post?.[2] ?? '',
        })
        expect(accepted.status).toBe(202)
        const verdict = await fetch(verdictUrl ?? '', { headers })
        expect(verdict.status).toBe(200)
        const decided = z
          .object({ eventId: z.string(), safe: z.boolean() })
          .parse(await verdict.json())
        expect(decided.safe).toBe(true)
      } finally {
        child.kill('SIGINT')
      }
      expect(await exited).toBe(0)
      expect(output).toContain('stopping: finishing in-flight batches')
    }, 120_000)
  })
})
