import { describe, expect, it } from 'vitest'
import { detectEmails } from './email.js'

const values = (text: string): string[] => detectEmails(text).map((s) => text.slice(s.start, s.end))

describe('detectEmails', () => {
  it('finds addresses with dots, plus tags and multi-part domains', () => {
    expect(values('Write to ann.lee+news@mail.example.co.uk today')).toEqual([
      'ann.lee+news@mail.example.co.uk',
    ])
    expect(values('<UtaKortig@jourrapide.com>, bob_99@x-y.io.')).toEqual([
      'UtaKortig@jourrapide.com',
      'bob_99@x-y.io',
    ])
  })

  it('cuts a TLD that ran into the next capitalised word', () => {
    expect(values('To: ganesh@moonchaser.ioHi Ganesh')).toEqual(['ganesh@moonchaser.io'])
  })

  it('ignores handles, local hosts, retina image names and doubled dots', () => {
    expect(values('@user said hi')).toEqual([])
    expect(values('root@localhost')).toEqual([])
    expect(values('see icon@2x.png and a..b@example.com')).toEqual([])
  })

  it('does not match the host part of URL credentials as a different address', () => {
    expect(values('user@example')).toEqual([])
  })
})
