import { describe, expect, it } from 'vitest'
import { detectIpv4, detectIpv6, isIpv6 } from './ip-address.js'

const v4 = (text: string): string[] => detectIpv4(text).map((s) => text.slice(s.start, s.end))
const v6 = (text: string): string[] => detectIpv6(text).map((s) => text.slice(s.start, s.end))

describe('detectIpv4', () => {
  it('finds addresses, with ports and at the end of a sentence', () => {
    expect(v4('from 86.121.97.248:8080 and 10.0.0.1.')).toEqual(['86.121.97.248', '10.0.0.1'])
  })

  it.each([
    ['an octet over 255', '256.1.1.1'],
    ['three parts', '1.2.3'],
    ['a version', 'version 1.2.3.4 or v1.2.3.4'],
    ['an OID', '1.3.6.1.4.1'],
    ['leading zeros', '01.02.03.04'],
    ['loopback, unspecified and broadcast', '127.0.0.1 0.0.0.0 255.255.255.255'],
  ])('ignores %s', (_, text) => {
    expect(v4(text)).toEqual([])
  })
})

describe('detectIpv6', () => {
  it.each([
    '6e40:4041:c617:e898:c11:40d2:c669:2eb4',
    '2001:db8::8a2e:370:7334',
    'fe80::1ff:fe23:4567:890a',
    '::ffff:192.0.2.128',
    '2001:db8::1',
  ])('finds %s', (address) => {
    expect(v6(`host ${address}, up`)).toEqual([address])
  })

  it('drops a trailing colon used as punctuation', () => {
    expect(v6('fe80::1ff:fe23: unreachable')).toEqual(['fe80::1ff:fe23'])
  })

  it.each([
    ['loopback', '::1'],
    ['a time', '12:30:45'],
    ['a MAC address', '00:1A:2B:3C:4D:5E'],
    ['a C++ scope', 'std::vector and a::b'],
    ['two double colons', '2001::db8::1'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['a five-digit group', '2001:db8::12345'],
  ])('ignores %s', (_, text) => {
    expect(v6(text)).toEqual([])
  })

  it('parses the edge cases of compression', () => {
    expect(isIpv6('1:2:3:4:5:6:7::')).toBe(true)
    expect(isIpv6('1:2:3:4:5:6:7:8::')).toBe(false)
    expect(isIpv6(':1:2:3:4:5:6:7')).toBe(false)
  })
})
