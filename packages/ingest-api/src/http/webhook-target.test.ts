import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isPrivateLiteralHost, webhookUrlProblem } from './webhook-target.js'

const octet = fc.integer({ min: 0, max: 255 })

describe('isPrivateLiteralHost', () => {
  it('refuses loopback, private, link-local and metadata literals in every spelling URLs allow', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://10.1.2.3/',
      'http://172.31.255.255/',
      'http://192.168.0.10/',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://localhost:8080/',
      'http://LOCALHOST./',
      'http://api.localhost/',
    ])
      expect(isPrivateLiteralHost(new URL(url).hostname), url).toBe(true)
  })

  it('accepts public literals and every name (names are resolved and checked at delivery)', () => {
    for (const url of [
      'https://8.8.8.8/',
      'https://[2606:4700::1111]/',
      'https://[::ffff:8.8.8.8]/',
      'https://hooks.example.com/x',
      'https://localhost.example.com/',
      'https://10.example/',
    ])
      expect(isPrivateLiteralHost(new URL(url).hostname), url).toBe(false)
  })

  it('refuses every address of 10/8, 127/8, 192.168/16 and 169.254/16, plain or IPv4-mapped', () => {
    const privateAddress = fc.oneof(
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`),
    )
    fc.assert(
      fc.property(privateAddress, (address) => {
        expect(isPrivateLiteralHost(new URL(`http://${address}/`).hostname)).toBe(true)
        expect(isPrivateLiteralHost(new URL(`http://[::ffff:${address}]/`).hostname)).toBe(true)
      }),
    )
  })

  it('accepts every address of a public /8 (11/8), plain or IPv4-mapped', () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet), ([b, c, d]) => {
        const address = `11.${b}.${c}.${d}`
        expect(isPrivateLiteralHost(new URL(`http://${address}/`).hostname)).toBe(false)
        expect(isPrivateLiteralHost(new URL(`http://[::ffff:${address}]/`).hostname)).toBe(false)
      }),
    )
  })
})

describe('webhookUrlProblem', () => {
  it('refuses non-http(s) schemes, credentials and private targets with a code', () => {
    expect(webhookUrlProblem('ftp://hooks.example.com/', false)?.code).toBe('invalid_url')
    expect(webhookUrlProblem('not a url', false)?.code).toBe('invalid_url')
    expect(webhookUrlProblem('https://u:p@hooks.example.com/', false)?.code).toBe(
      'credentials_in_url',
    )
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', false)?.code).toBe('private_target')
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeUndefined()
  })

  it('lets the operator allow private targets, but never other schemes or credentials', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', true)).toBeUndefined()
    expect(webhookUrlProblem('file:///etc/passwd', true)?.code).toBe('invalid_url')
    expect(webhookUrlProblem('http://u@127.0.0.1/', true)?.code).toBe('credentials_in_url')
  })
})
