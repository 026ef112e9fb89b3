import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnthropicProvider, OpenAIProvider, ProviderError, type Provider } from '../src/index.js'
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
