/**
 * Measures one instrumentation against the bare OpenAI client, in a process of its own (OpenLLMetry
 * patches the openai module globally, so contenders must not share a process). Rounds alternate
 * bare and instrumented where the instrumentation allows it; OpenLLMetry's global patch forces
 * bare-first. Usage: contender.ts <anansi|anansi-call-path|langfuse|openllmetry> <http|memory> <providerUrl> <sinkUrl>
 */
import OpenAI from 'openai'
import { median, r2, round, type RoundResult } from './measure.js'

const [name = 'anansi', transport = 'http', providerUrl = '', sinkUrl = '', rounds = '7'] =
  process.argv.slice(2)
const ROUNDS = Number(rounds)
const CALLS = transport === 'stub' ? 40_000 : transport === 'memory' ? 4_000 : 1_500

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2025',
  choices: [
    {
      index: 0,
      finish_reason: 'stop',
      logprobs: null,
      message: { role: 'assistant', content: 'Paris is the capital of France.', refusal: null },
    },
  ],
  usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
})
// The in-memory provider: the same client, minus the network.
const memoryFetch = (): Promise<Response> =>
  Promise.resolve(
    new Response(COMPLETION, { status: 200, headers: { 'content-type': 'application/json' } }),
  )

const completion = JSON.parse(COMPLETION) as OpenAI.Chat.Completions.ChatCompletion
/** "stub": an object shaped like the client whose create() resolves at once: only the instrumentation is left to measure. */
const stubClient = (): object => ({
  chat: { completions: { create: () => Promise.resolve(completion) } },
})

const newClient = (): OpenAI =>
  transport === 'stub'
    ? // The stub has only the one method the benchmark calls.
      (stubClient() as OpenAI)
    : new OpenAI({
        apiKey: 'sk-bench',
        baseURL: `${providerUrl}/v1`,
        maxRetries: 0,
        ...(transport === 'memory' ? { fetch: memoryFetch } : {}),
      })

const params: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a concise geography assistant.' },
    { role: 'user', content: 'say: Paris is the capital of France.' },
  ],
}

interface Instrumented {
  client: OpenAI
  flush: () => Promise<unknown>
  shutdown: () => Promise<unknown>
  /** Whether bare rounds can still run after instrumenting (false for global patches). */
  alternates: boolean
}

async function instrument(): Promise<Instrumented> {
  if (name === 'anansi' || name === 'anansi-call-path') {
    const { Monitor } = await import('../src/node.js')
    // anansi-call-path: no API key, so nothing is serialized or sent: the cost on the app's path alone.
    const monitor = new Monitor({
      ...(name === 'anansi' ? { apiKey: 'ansk_bench', endpoint: sinkUrl } : {}),
      opentelemetry: false,
      flushOnExit: false,
      onError: () => undefined,
    })
    return {
      client: monitor.wrapOpenAI(newClient()),
      flush: () => monitor.flush(),
      shutdown: () => monitor.shutdown(),
      alternates: true,
    }
  }
  const { trace } = await import('@opentelemetry/api')
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  if (name === 'langfuse') {
    const { LangfuseSpanProcessor } = await import('@langfuse/otel')
    const { setLangfuseTracerProvider } = await import('@langfuse/tracing')
    const { observeOpenAI } = await import('@langfuse/openai')
    const processor = new LangfuseSpanProcessor({
      publicKey: 'pk-bench',
      secretKey: 'sk-bench',
      baseUrl: sinkUrl,
    })
    const provider = new BasicTracerProvider({ spanProcessors: [processor] })
    setLangfuseTracerProvider(provider)
    return {
      client: observeOpenAI(newClient()),
      flush: () => provider.forceFlush(),
      shutdown: () => provider.shutdown(),
      alternates: true,
    }
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
  const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai')
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` })),
    ],
  })
  trace.setGlobalTracerProvider(provider)
  const instrumentation = new OpenAIInstrumentation({ enrichTokens: false })
  instrumentation.setTracerProvider(provider)
  instrumentation.manuallyInstrument(OpenAI)
  return {
    client: newClient(),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    alternates: false,
  }
}

const bare = newClient()
const bareCall = (): Promise<unknown> => bare.chat.completions.create(params)
const bareRounds: RoundResult[] = []
const wrappedRounds: RoundResult[] = []

await round(CALLS, bareCall) // warm-up: JIT, sockets
const globalPatch = name === 'openllmetry'
// A global patch cannot be undone between rounds: measure the bare client before applying it.
if (globalPatch) for (let i = 0; i < ROUNDS; i += 1) bareRounds.push(await round(CALLS, bareCall))
const { client, flush, shutdown, alternates } = await instrument()
const wrappedCall = (): Promise<unknown> => client.chat.completions.create(params)
await round(CALLS, wrappedCall, flush) // warm-up of the instrumented path
for (let i = 0; i < ROUNDS; i += 1) {
  if (alternates) bareRounds.push(await round(CALLS, bareCall))
  wrappedRounds.push(await round(CALLS, wrappedCall, flush))
}
await shutdown()

const summary = (rounds: RoundResult[]): { cpuUs: number; wallUs: number } | undefined =>
  rounds.length === 0
    ? undefined
    : {
        cpuUs: r2(median(rounds.map((r) => r.cpuUs))),
        wallUs: r2(median(rounds.map((r) => r.wallUs))),
      }
process.stdout.write(
  `${JSON.stringify({ name, transport, calls: CALLS, rounds: ROUNDS, bare: summary(bareRounds), instrumented: summary(wrappedRounds) })}\n`,
)
