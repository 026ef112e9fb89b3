import { parseArgs } from 'node:util'
import { z } from 'zod'
import { EvaluatorSuite, type ComprehensiveResult } from '@anansi/evaluator'
import { BUILTIN_EVALUATORS, type EvaluateResponse, type EvaluationResult } from '@anansi/protocol'
import { terminalIo, withProgress, type CommandIo } from './command-io.js'
import { formatTable, parsingArgs, printJson, runCommand } from './command-runner.js'
import type { Print } from './dev.js'
import { CommandError, EXIT, EXIT_CODES_HELP } from './exit-codes.js'

/** `anansi evaluate --help`. */
export const EVALUATE_HELP = `usage: anansi evaluate "<answer>" [--input "<prompt>"] [--context "<doc>"]…
                       [--evaluators toxicity,jailbreak] [--tiers lexical,semantic] [--json]

Runs the evaluators on this machine (no server needed) and prints each result and
the verdict under the default policy. The text is the model's answer; --input adds
the prompt (jailbreak and harmful_request judge the prompt). Either may be omitted,
not both.

options:
  --input TEXT        the prompt that produced the answer
  --context TEXT      a retrieval document the answer should be grounded in (repeatable)
  --evaluators LIST   only these (${BUILTIN_EVALUATORS.join(', ')})
  --tiers LIST        lexical (default; sub-millisecond) and/or semantic (embedding models)
  --json              {"safe", "action", "score", "policy", "evaluations"} as JSON

Exit code 3 means unsafe, so a script can gate on it:
  anansi evaluate "$ANSWER" --input "$PROMPT" > /dev/null || echo "blocked"

${EXIT_CODES_HELP}`

const commaList = z
  .string()
  .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))])

const optionsSchema = z.object({
  evaluators: commaList
    .pipe(
      z
        .array(
          z.enum(BUILTIN_EVALUATORS, {
            error: (issue) =>
              `unknown evaluator ${JSON.stringify(issue.input)} (known: ${BUILTIN_EVALUATORS.join(', ')})`,
          }),
        )
        .min(1),
    )
    .optional(),
  tiers: commaList
    .pipe(
      z
        .array(
          z.enum(['lexical', 'semantic'], {
            error: (issue) => `unknown tier ${JSON.stringify(issue.input)} (lexical or semantic)`,
          }),
        )
        .min(1),
    )
    .default(['lexical']),
})

function usage(message: string): CommandError {
  return new CommandError('usage', `${message}\n${EVALUATE_HELP}`)
}

/** `anansi evaluate "<text>"`: local evaluation; exit 0 when safe, 3 when unsafe. */
export function runEvaluate(
  print: Print,
  args: readonly string[],
  // Nothing to configure yet (the models ship with the package); kept for the common signature.
  _env: NodeJS.ProcessEnv = process.env,
  io: CommandIo = terminalIo(),
): Promise<number> {
  return runCommand(print, io, args, async () => {
    const { values, positionals } = parsingArgs(() =>
      parseArgs({
        args: [...args],
        options: {
          input: { type: 'string' },
          context: { type: 'string', multiple: true },
          evaluators: { type: 'string' },
          tiers: { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
        strict: true,
      }),
    )
    if (values.help === true) {
      print(EVALUATE_HELP)
      return EXIT.ok
    }
    if (positionals.length > 1)
      throw usage('anansi evaluate takes one text (quote it: anansi evaluate "…")')
    const [output] = positionals
    if (output === undefined && values.input === undefined)
      throw usage('anansi evaluate: give the answer to judge, --input, or both')
    const parsed = optionsSchema.safeParse({ evaluators: values.evaluators, tiers: values.tiers })
    if (!parsed.success) throw usage(parsed.error.issues.map((issue) => issue.message).join('; '))
    const { evaluators, tiers } = parsed.data

    const suite = await withProgress(io, `loading evaluators (${tiers.join('+')})`, () =>
      EvaluatorSuite.load({ tiers, ...(evaluators === undefined ? {} : { only: evaluators }) }),
    )
    let result: ComprehensiveResult
    try {
      result = await suite.comprehensive({
        ...(values.input === undefined ? {} : { input: values.input }),
        ...(output === undefined ? {} : { output }),
        ...(values.context === undefined ? {} : { context: values.context }),
      })
    } finally {
      await suite.close()
    }
    const { decision, evaluations } = result
    if (values.json === true) {
      const response: EvaluateResponse = {
        safe: decision.safe,
        action: decision.action,
        score: decision.score,
        policy: decision.policy,
        evaluations,
      }
      printJson(print, response)
    } else {
      for (const line of describe(result)) print(line)
    }
    return decision.safe ? EXIT.ok : EXIT.unsafe
  })
}

const score = (value: number): string => value.toFixed(2)

function describe({ evaluations, decision }: ComprehensiveResult): string[] {
  const blocking = new Set<EvaluationResult>(decision.reasons)
  const table = formatTable(
    ['EVALUATOR', 'TIER', 'TARGET', 'SCORE', 'THRESHOLD', 'FLAGGED', 'LABEL'],
    evaluations.map((e) => [
      e.evaluator,
      e.tier,
      e.target,
      score(e.score),
      score(e.threshold),
      e.flagged ? (blocking.has(e) ? 'yes' : 'yes (not blocking)') : 'no',
      e.label,
    ]),
  )
  const why = decision.reasons.map((r) => `${r.evaluator} on the ${r.target}`).join(', ')
  const verdict = decision.safe
    ? `verdict: SAFE (allow, score ${score(decision.score)}, policy ${decision.policy})`
    : `verdict: UNSAFE (block, score ${score(decision.score)}, policy ${decision.policy}): ${why}`
  return [...table, '', verdict]
}
