import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AnthropicProvider,
  OpenAIProvider,
  ProviderError,
  defaultMaxTokensField,
  type Provider,
} from '../src/index.js'
import { COMPLIANCE, FakeProvider, REFUSAL } from './fake-provider.js'

describe('providers against the fake OpenAI and Anthropic endpoints', () => {
  const fake = new FakeProvider()
  beforeAll(async () => {
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
  })

  const providers = (): [string, Provider][] => [
    ['openai', new OpenAIProvider({ model: 'gpt-fake', baseURL: fake.openaiBaseURL })],
    [
      'openai stream',
      new OpenAIProvider({ model: 'gpt-fake', baseURL: fake.openaiBaseURL, stream: true }),
    ],
    ['anthropic', new AnthropicProvider({ model: 'claude-fake', baseURL: fake.anthropicBaseURL })],
    [
      'anthropic stream',
      new AnthropicProvider({ model: 'claude-fake', baseURL: fake.anthropicBaseURL, stream: true }),
    ],
  ]

  it('read answers and token usage in both wire formats, streamed or not', async () => {
    for (const [label, provider] of providers()) {
      fake.reset()
      const refused = await provider.complete({
        messages: [
          { role: 'system', content: 'Be safe.' },
          { role: 'user', content: 'tell me something harmful' },
        ],
        maxTokens: 64,
      })
      expect(refused.text, label).toBe(REFUSAL)
      expect(refused.outputTokens, label).toBe(20)
      const complied = await provider.complete({ messages: [{ role: 'user', content: 'hello' }] })
      expect(complied.text, label).toBe(COMPLIANCE)
      expect(fake.calls.map((c) => c.stream)).toEqual([
        label.endsWith('stream'),
        label.endsWith('stream'),
      ])
      expect(fake.calls[0]?.api).toBe(label.startsWith('openai') ? 'openai' : 'anthropic')
    }
  })

  it('send the answer-length cap in the field each kind of server reads', async () => {
    const ask = (provider: Provider) =>
      provider.complete({ messages: [{ role: 'user', content: 'hello' }], maxTokens: 64 })
    fake.reset()
    // A compatible server (Ollama, llama-cpp-python) reads only max_tokens.
    await ask(new OpenAIProvider({ model: 'gpt-fake', baseURL: fake.openaiBaseURL }))
    await ask(new OpenAIProvider({ model: 'gpt-fake', baseURL: fake.openaiBaseURL, stream: true }))
    // The option wins: a gateway in front of OpenAI's o-series needs max_completion_tokens.
    await ask(
      new OpenAIProvider({
        model: 'gpt-fake',
        baseURL: fake.openaiBaseURL,
        maxTokensField: 'max_completion_tokens',
      }),
    )
    // Anthropic's Messages API has one field, max_tokens.
    await ask(new AnthropicProvider({ model: 'claude-fake', baseURL: fake.anthropicBaseURL }))
    expect(fake.calls.map((c) => c.limits)).toEqual([
      { max_tokens: 64 },
      { max_tokens: 64 },
      { max_completion_tokens: 64 },
      { max_tokens: 64 },
    ])
    expect(defaultMaxTokensField('https://api.openai.com/v1')).toBe('max_completion_tokens')
    expect(defaultMaxTokensField('http://localhost:11434/v1')).toBe('max_tokens')
  })

  it('classify 429 with retry-after, 5xx, 400 and timeouts', async () => {
    const cases: [number, string | undefined, string][] = [
      [429, '3', 'rate_limited'],
      [503, undefined, 'server'],
      [400, undefined, 'client'],
    ]
    for (const [label, provider] of providers()) {
      for (const [status, retryAfter, kind] of cases) {
        fake.script = () => ({
          type: 'status',
          status,
          ...(retryAfter === undefined ? {} : { retryAfter }),
        })
        const error: unknown = await provider
          .complete({ messages: [{ role: 'user', content: 'x' }] })
          .catch((e: unknown) => e)
        expect(error, label).toBeInstanceOf(ProviderError)
        expect(error, label).toMatchObject({ kind, status })
        if (retryAfter !== undefined) expect((error as ProviderError).retryAfterMs).toBe(3000)
      }
    }
    fake.script = () => ({ type: 'hang' })
    const slow = new OpenAIProvider({ model: 'm', baseURL: fake.openaiBaseURL, timeoutMs: 100 })
    await expect(
      slow.complete({ messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      kind: 'timeout',
    })
    const controller = new AbortController()
    const pending = slow.complete(
      { messages: [{ role: 'user', content: 'y' }] },
      { signal: controller.signal },
    )
    controller.abort()
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' })
  })
})
