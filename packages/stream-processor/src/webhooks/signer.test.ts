import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { WebhookError } from './errors.js'
import { signWebhook } from './signer.js'

const secret = `whsec_${randomBytes(24).toString('base64')}`
const body = JSON.stringify({ type: 'webhook.test', data: { message: 'hi' } })

describe('signWebhook', () => {
  it('produces Standard Webhooks headers that the reference library verifies', () => {
    const headers = signWebhook({ secret, messageId: 'msg_1', timestamp: new Date(), body })
    expect(headers['content-type']).toBe('application/json')
    expect(headers['webhook-id']).toBe('msg_1')
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
  })

  it('signs in whole seconds', () => {
    const timestamp = new Date('2030-01-02T03:04:05.678Z')
    const headers = signWebhook({ secret, messageId: 'm', timestamp, body })
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)))
  })

  it('fails verification for a tampered body, another id, another secret or an old timestamp', () => {
    const headers = signWebhook({ secret, messageId: 'msg_1', timestamp: new Date(), body })
    const receiver = new Webhook(secret)
    expect(() => receiver.verify(body.replace('hi', 'ho'), headers)).toThrow(/signature/i)
    expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(/signature/i)
    const other = `whsec_${randomBytes(24).toString('base64')}`
    expect(() => new Webhook(other).verify(body, headers)).toThrow(/signature/i)
    const old = signWebhook({
      secret,
      messageId: 'msg_1',
      timestamp: new Date(Date.now() - 10 * 60_000),
      body,
    })
    expect(() => receiver.verify(body, old)).toThrow(/too old/i)
  })

  it('verifies any body and message id it signs', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[\x21-\x7e]{1,40}$/), (text, messageId) => {
        const payload = JSON.stringify({ text })
        const headers = signWebhook({ secret, messageId, timestamp: new Date(), body: payload })
        expect(new Webhook(secret).verify(payload, headers)).toEqual({ text })
      }),
    )
  })

  it('refuses an unusable secret without echoing it', () => {
    for (const bad of ['whsec_', 'whsec_!!not-base64!!']) {
      let caught: unknown
      try {
        signWebhook({ secret: bad, messageId: 'm', timestamp: new Date(), body })
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(WebhookError)
      expect((caught as WebhookError).code).toBe('invalid_secret')
      expect((caught as WebhookError).message).not.toContain(bad)
    }
  })

  it('refuses message ids that would break the header', () => {
    for (const messageId of ['', 'a\r\nx-evil: 1', 'with space']) {
      expect(() => signWebhook({ secret, messageId, timestamp: new Date(), body })).toThrow(
        expect.objectContaining({ code: 'invalid_message' }),
      )
    }
  })
})
