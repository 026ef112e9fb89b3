import OpenAI from 'openai'
import type { CallOptions, CompletionRequest, CompletionResponse, Provider } from './provider.js'
import { classifySdkError } from './provider.js'

/** Settings for an OpenAI or OpenAI-compatible endpoint (vLLM, Ollama, LM Studio, …). */
export interface OpenAIProviderOptions {
  model: string
  apiKey?: string
  /** Any OpenAI-compatible base URL; the OpenAI API when absent. */
  baseURL?: string
  /** Per-attempt timeout in milliseconds (default 60 s). */
  timeoutMs?: number
  /** Read the answer as a server-sent event stream. */
  stream?: boolean
  /**
   * The body field that carries the answer-length cap. OpenAI's API wants
   * `max_completion_tokens` (its o-series models reject `max_tokens`); the compatible servers
   * (Ollama, llama-cpp-python, older vLLM) read only `max_tokens` and ignore the other, answering
   * unbounded. Default: `max_completion_tokens` for api.openai.com, `max_tokens` elsewhere.
   */
  maxTokensField?: MaxTokensField
}

/** The two names OpenAI-style APIs use for the answer-length cap. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens'

/** Which field carries `maxTokens` for a base URL when the caller does not say (see the option). */
export function defaultMaxTokensField(baseURL: string): MaxTokensField {
  let host: string
  try {
    host = new URL(baseURL).hostname
  } catch {
    return 'max_tokens'
  }
  return host === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens'
}

/** Chat completions through the official `openai` client, one attempt per call. */
export class OpenAIProvider implements Provider {
  readonly name = 'openai'
  readonly model: string
  readonly endpoint: string
  private readonly client: OpenAI
  private readonly stream: boolean
  private readonly maxTokensField: MaxTokensField

  constructor(options: OpenAIProviderOptions) {
    this.model = options.model
    this.stream = options.stream ?? false
    this.client = new OpenAI({
      apiKey: options.apiKey ?? 'not-needed',
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      maxRetries: 0, // the runner retries, with the shared rate limiter in the loop
      timeout: options.timeoutMs ?? 60_000,
    })
    this.endpoint = this.client.baseURL
    this.maxTokensField = options.maxTokensField ?? defaultMaxTokensField(this.endpoint)
  }

  /** Sends one chat completion request. */
  async complete(
    request: CompletionRequest,
    options: CallOptions = {},
  ): Promise<CompletionResponse> {
    const body = {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { [this.maxTokensField]: request.maxTokens }),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
    }
    const requestOptions = options.signal === undefined ? {} : { signal: options.signal }
    try {
      if (this.stream) {
        const stream = await this.client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          requestOptions,
        )
        let text = ''
        let finishReason: string | undefined
        let inputTokens: number | undefined
        let outputTokens: number | undefined
        for await (const chunk of stream) {
          const choice = chunk.choices[0]
          text += choice?.delta.content ?? ''
          finishReason = choice?.finish_reason ?? finishReason
          inputTokens = chunk.usage?.prompt_tokens ?? inputTokens
          outputTokens = chunk.usage?.completion_tokens ?? outputTokens
        }
        return compact({ text, finishReason, inputTokens, outputTokens })
      }
      const completion = await this.client.chat.completions.create(body, requestOptions)
      const choice = completion.choices[0]
      return compact({
        text: choice?.message.content ?? '',
        finishReason: choice?.finish_reason,
        inputTokens: completion.usage?.prompt_tokens,
        outputTokens: completion.usage?.completion_tokens,
      })
    } catch (error) {
      throw classifySdkError(error, options.signal)
    }
  }
}

/** Drops undefined fields so responses compare and cache cleanly. */
export function compact(response: {
  text: string
  finishReason?: string | null | undefined
  inputTokens?: number | undefined
  outputTokens?: number | undefined
}): CompletionResponse {
  const out: CompletionResponse = { text: response.text }
  if (response.finishReason !== undefined && response.finishReason !== null)
    out.finishReason = response.finishReason
  if (response.inputTokens !== undefined) out.inputTokens = response.inputTokens
  if (response.outputTokens !== undefined) out.outputTokens = response.outputTokens
  return out
}
