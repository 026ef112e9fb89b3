/**
 * Keeps the documentation true: every TypeScript block in the docs type-checks against the
 * workspace, every JSON block parses (and matches the protocol schema it names), every `anansi`
 * command in a shell block exists with the options it uses (the `anansi evaluate` ones are run),
 * every relative link resolves, and `docs/api-reference.md` matches the API's OpenAPI document.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { runEvaluate } from '@anansi/cli'
import { verdictPolicySchema } from '@anansi/evaluator'
import {
  alertRuleCreateSchema,
  batchRequestSchema,
  eventSchema,
  verdictSchema,
  webhookCreateSchema,
} from '@anansi/protocol'
import fc from 'fast-check'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { API_REFERENCE_PATH, buildApiReference } from '../docs/scripts/build-api-reference.js'
import {
  anansiInvocations,
  anchorsOf,
  extractFences,
  isShell,
  relativeLinks,
  shellWords,
  type Fence,
  type Invocation,
} from './fixtures/markdown-snippets.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The documents checked: the docs, and the examples' READMEs. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name))
  const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(ROOT, 'examples', entry.name, 'README.md'))
  return [...docs, join(ROOT, 'examples', 'README.md'), ...examples].filter((p) => existsSync(p))
}

interface Located<T> {
  doc: string
  item: T
}

const DOCS = documents()
const FENCES: Located<Fence>[] = DOCS.flatMap((doc) =>
  extractFences(readFileSync(doc, 'utf8')).map((item) => ({ doc, item })),
)
const where = (doc: string, line: number): string => `${relative(ROOT, doc)}:${line}`

/** The protocol (and policy) schemas a JSON block may name with `schema="…"`. */
const SCHEMAS: Record<string, z.ZodType> = {
  alertRuleCreateSchema,
  batchRequestSchema,
  eventSchema,
  verdictPolicySchema,
  verdictSchema,
  webhookCreateSchema,
}

describe('markdown snippet extraction', () => {
  it('finds fenced blocks with their language, attributes and first line', () => {
    const doc = 'Intro\n\n```ts title="a.ts"\nconst a = 1\n```\n\n~~~bash\nanansi dev\n~~~\n'
    expect(extractFences(doc)).toEqual([
      { lang: 'ts', attrs: { title: 'a.ts' }, code: 'const a = 1', line: 4 },
      { lang: 'bash', attrs: {}, code: 'anansi dev', line: 8 },
    ])
  })

  it('returns any code put in a fence unchanged', () => {
    const line = fc.string().filter((s) => !/[`~\n]/.test(s))
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const code = lines.join('\n')
        expect(extractFences(`text\n\`\`\`ts\n${code}\n\`\`\`\n`)[0]?.code).toBe(code)
      }),
    )
  })

  it('splits shell words like a shell, and finds anansi commands in pipelines and prompts', () => {
    expect(shellWords(`evaluate "You are 'nice'." --input 'a "b"'`)).toEqual([
      'evaluate',
      "You are 'nice'.",
      '--input',
      'a "b"',
    ])
    const fence: Fence = {
      lang: 'bash',
      attrs: {},
      line: 1,
      code: '$ KEY=x anansi tail --json | jq . # follow\nnot a command: anansi dev\n$ npx anansi \\\n  keys list',
    }
    expect(anansiInvocations(fence).map((i) => i.words)).toEqual([
      ['tail', '--json'],
      ['keys', 'list'],
    ])
  })
})

/** Compiler options of the root tsconfig: the snippets see the workspace as its code does. */
function rootCompilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  if (parsed === undefined) throw new Error('tsconfig.json could not be read')
  return { ...parsed.options, noEmit: true }
}

describe('code blocks in the docs', () => {
  // Inside the repository, so workspace packages and node_modules resolve; at its root, where no
  // tsconfig include pattern reaches, so a concurrent `tsc -p` never sees these files.
  const dir = mkdtempSync(join(ROOT, '.docs-snippets-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('every ts block type-checks against the workspace', () => {
    const snippets = FENCES.filter(({ item }) => item.lang === 'ts' || item.lang === 'typescript')
    expect(snippets.length).toBeGreaterThan(10)
    const origin = new Map<string, Located<Fence>>()
    const files = snippets.map((snippet) => {
      const file = join(dir, `${basename(snippet.doc, '.md')}-${snippet.item.line}.ts`)
      writeFileSync(file, `${snippet.item.code}\n`)
      origin.set(file, snippet)
      return file
    })
    const program = ts.createProgram(files, rootCompilerOptions())
    const problems = files.flatMap((file) => {
      const source = program.getSourceFile(file)
      const located = origin.get(file)
      if (source === undefined || located === undefined) return [`${file}: not compiled`]
      return [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ].map((d) => {
        const line = source.getLineAndCharacterOfPosition(d.start ?? 0).line
        const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
        return `${where(located.doc, located.item.line + line)}: TS${d.code} ${text}`
      })
    })
    expect(program.getOptionsDiagnostics()).toEqual([])
    expect(problems).toEqual([])
  }, 180_000)

  it('every json block parses, and matches the schema it names', () => {
    const blocks = FENCES.filter(({ item }) => item.lang === 'json')
    expect(blocks.length).toBeGreaterThan(0)
    for (const { doc, item } of blocks) {
      const at = where(doc, item.line)
      let value: unknown
      expect(() => {
        value = JSON.parse(item.code) as unknown
      }, at).not.toThrow()
      const name = item.attrs.schema
      if (name === undefined) continue
      const schema = SCHEMAS[name]
      expect(schema, `${at}: unknown schema ${name}`).toBeDefined()
      const parsed = schema?.safeParse(value)
      expect(parsed?.error?.issues ?? [], at).toEqual([])
    }
  })
})

/** Runs the CLI from its sources, as `pnpm start` does; resolves with its stdout. */
async function anansiOutput(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--conditions=@anansi/source', 'packages/cli/src/bin.ts', ...args],
    { cwd: ROOT, timeout: 60_000 },
  )
  return stdout
}

/** The commands `anansi --help` lists: subcommands (`keys create|list|revoke`) and `--role` values. */
function parseUsage(usage: string): Map<string, { subcommands?: string[]; roles?: string[] }> {
  const commands = new Map<string, { subcommands?: string[]; roles?: string[] }>()
  const section = usage.split('\ncommands:\n')[1]?.split('\n\n')[0] ?? ''
  for (const line of section.split('\n')) {
    const words = /^ {2}([a-z]+)(.*)$/.exec(line)
    if (words?.[1] === undefined) continue
    const rest = (words[2] ?? '').trim().split(/\s+/)
    const alternatives = (word: string | undefined) =>
      word !== undefined && /^[a-z]+(\|[a-z]+)+$/.test(word) ? word.split('|') : undefined
    const subcommands = alternatives(rest[0])
    const roles = rest[0] === '--role' ? alternatives(rest[1]) : undefined
    commands.set(words[1], {
      ...(subcommands === undefined ? {} : { subcommands }),
      ...(roles === undefined ? {} : { roles }),
    })
  }
  return commands
}

describe('anansi commands in the docs', () => {
  const invocations: Located<Invocation>[] = FENCES.filter(({ item }) => isShell(item)).flatMap(
    ({ doc, item }) =>
      anansiInvocations(item).map((i) => ({ doc, item: { ...i, line: item.line + i.line - 1 } })),
  )

  it('name real commands, subcommands and options (per anansi --help)', async () => {
    expect(invocations.length).toBeGreaterThan(10)
    const usage = await anansiOutput(['--help'])
    const commands = parseUsage(usage)
    expect([...commands.keys()]).toEqual(expect.arrayContaining(['dev', 'start', 'evaluate']))
    const used = [...new Set(invocations.map(({ item }) => item.words[0] ?? ''))]
    const helps = new Map(
      await Promise.all(
        used
          .filter((name) => commands.has(name) && name !== 'dev' && name !== 'start')
          .map(async (name) => [name, await anansiOutput([name, '--help'])] as const),
      ),
    )
    const problems = invocations.flatMap(({ doc, item }) => {
      const at = `${where(doc, item.line)}: ${item.text}`
      const [name = '', second] = item.words
      const command = commands.get(name)
      if (command === undefined) return [`${at}: no command ${name}`]
      const out: string[] = []
      if (command.subcommands !== undefined && !command.subcommands.includes(second ?? ''))
        out.push(`${at}: ${name} has no subcommand ${second ?? '(none)'}`)
      const role = item.words[item.words.indexOf('--role') + 1]
      if (item.words.includes('--role') && !(command.roles ?? []).includes(role ?? ''))
        out.push(`${at}: --role ${role ?? ''} is not one of ${(command.roles ?? []).join(', ')}`)
      const help = helps.get(name) ?? (name === 'start' ? '--role --help' : '--help')
      for (const option of item.words.filter((w) => w.startsWith('--'))) {
        const flag = option.split('=')[0] ?? option
        if (!new RegExp(`${flag}(?![a-z-])`).test(help))
          out.push(`${at}: anansi ${name} has no option ${flag}`)
      }
      return out
    })
    expect(problems).toEqual([])
  }, 120_000)

  it('the anansi evaluate commands run and exit 0 (safe) or 3 (unsafe)', async () => {
    const runnable = invocations.filter(({ item }) => item.words[0] === 'evaluate' && !item.expands)
    expect(runnable.length).toBeGreaterThan(0)
    const seen = new Set<string>()
    for (const { doc, item } of runnable) {
      if (seen.has(item.text)) continue
      seen.add(item.text)
      const printed: string[] = []
      const code = await runEvaluate((line) => printed.push(line), item.words.slice(1))
      const at = `${where(doc, item.line)}: ${item.text}`
      expect([0, 3], `${at} exited ${code}: ${printed.join('\n')}`).toContain(code)
      if (!item.words.includes('--json')) continue
      const answer = JSON.parse(printed.join('\n')) as { safe: unknown }
      expect(answer.safe, at).toBe(code === 0)
    }
  }, 180_000)
})

describe('links in the docs', () => {
  it('every relative link points at a file, and at a heading that exists', () => {
    const problems = DOCS.flatMap((doc) =>
      relativeLinks(readFileSync(doc, 'utf8')).flatMap(({ target, line }) => {
        const [path = '', anchor] = target.split('#')
        const file = path === '' ? doc : join(dirname(doc), decodeURIComponent(path))
        if (!existsSync(file)) return [`${where(doc, line)}: ${target} does not exist`]
        if (anchor === undefined || !file.endsWith('.md')) return []
        return anchorsOf(readFileSync(file, 'utf8')).has(anchor)
          ? []
          : [`${where(doc, line)}: ${target} has no heading #${anchor}`]
      }),
    )
    expect(problems).toEqual([])
  })
})

describe('docs/api-reference.md', () => {
  it('is what docs/scripts/build-api-reference.ts renders from the API today', async () => {
    const fresh = await buildApiReference()
    const committed = readFileSync(API_REFERENCE_PATH, 'utf8')
    expect(
      committed === fresh,
      'docs/api-reference.md is stale: run pnpm exec tsx --conditions=@anansi/source docs/scripts/build-api-reference.ts',
    ).toBe(true)
  }, 120_000)
})
