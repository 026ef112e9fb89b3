import { describe, expect, it } from 'vitest'
import { detectPrivateKeys } from './private-key.js'

const BODY = [
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
]
const header = (label: string): string => `-----BEGIN ${label}-----`
const footer = (label: string): string => `-----END ${label}-----`

describe('detectPrivateKeys', () => {
  it('finds a whole PEM block, header to footer', () => {
    const block = [header('RSA PRIVATE KEY'), ...BODY, footer('RSA PRIVATE KEY')].join('\n')
    const text = `key:\n${block}\nthanks`
    expect(detectPrivateKeys(text).map((s) => text.slice(s.start, s.end))).toEqual([block])
  })

  it('covers a truncated block up to the end of its base64 body', () => {
    const partial = [header('OPENSSH PRIVATE KEY'), ...BODY].join('\n')
    const text = `${partial}\nand then I lost the rest`
    expect(detectPrivateKeys(text).map((s) => text.slice(s.start, s.end))).toEqual([partial])
  })

  it('ignores public keys and certificates', () => {
    const text = [header('PUBLIC KEY'), ...BODY, footer('PUBLIC KEY'), header('CERTIFICATE')].join(
      '\n',
    )
    expect(detectPrivateKeys(text)).toEqual([])
  })

  it('does not pair a BEGIN with the END of a different key type', () => {
    const text = [header('EC PRIVATE KEY'), BODY[0], footer('RSA PRIVATE KEY')].join('\n')
    const [span] = detectPrivateKeys(text)
    expect(span && text.slice(span.start, span.end)).toBe(
      [header('EC PRIVATE KEY'), BODY[0]].join('\n'),
    )
  })
})
