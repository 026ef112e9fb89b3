import Anthropic from '@anthropic-ai/sdk'
import { compact } from './openai.js'
import type { CallOptions, CompletionRequest, CompletionResponse, Provider } from './provider.js'
import { classifySdkError } from './provider.js'

/** Settings for the Anthropic Messages API. */
export interface AnthropicProviderOptions {
  model: string
  apiKey?: string
  baseURL?: string
  /** Per-attempt timeout in milliseconds (default 60 s). */
  timeoutMs?: number
  /** Read the answer as a server-sent event stream. */
  stream?: boolean
}

/** Messages through the official `@anthropic-ai/sdk` client, one attempt per call. */
export class AnthropicProvider implements Provider {
  readonly name = 'anthropic'
  readonly model: string
  readonly endpoint: string
  private readonly client: Anthropic
  private readonly stream: boolean

  constructor(options: AnthropicProviderOptions) {
    this.model = options.model
    this.stream = options.stream ?? false
    this.client = new Anthropic({
      apiKey: options.apiKey ?? 'not-needed',
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
    })
    this.endpoint = this.client.baseURL
  }

  /** Sends one Messages request; system turns become the `system` parameter. */
  async complete(
    request: CompletionRequest,
    options: CallOptions = {},
  ): Promise<CompletionResponse> {
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n')
    const body = {
      model: this.model,
      max_tokens: request.maxTokens ?? 1024,
      messages: request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({
          role: m.role === 'assistant' ? ('assistant' as const) : ('user' as const),
          content: m.content,
        })),
      ...(system === '' ? {} : { system }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    }
    const requestOptions = options.signal === undefined ? {} : { signal: options.signal }
    try {
      if (this.stream) {
        const stream = this.client.messages.stream(body, requestOptions)
        const message = await stream.finalMessage()
        return this.toResponse(message)
      }
      return this.toResponse(await this.client.messages.create(body, requestOptions))
    } catch (error) {
      throw classifySdkError(error, options.signal)
    }
  }

  private toResponse(message: Anthropic.Message): CompletionResponse {
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')
    return compact({
      text,
      finishReason: message.stop_reason,
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
    })
  }
}
