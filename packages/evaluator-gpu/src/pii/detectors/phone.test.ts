import { describe, expect, it } from 'vitest'
import { detectPhones } from './phone.js'

const values = (text: string): string[] => detectPhones(text).map((s) => text.slice(s.start, s.end))

describe('detectPhones', () => {
  it.each([
    ['Call +1 (555) 123-4567 now', '+1 (555) 123-4567'],
    ['Fax +46 (0)8 928 571 38', '+46 (0)8 928 571 38'],
    ['UK mobile +447700 921 916', '+447700 921 916'],
    ['dial 001-518-640-0854', '001-518-640-0854'],
    ['NANP 905-674-3793.', '905-674-3793'],
    ['NANP (579)888-3058', '(579)888-3058'],
    ['NANP 259.735.7502x459', '259.735.7502x459'],
    ['toll free 1-800-692-7753', '1-800-692-7753'],
    ['Mobile: 0490 75 40 81', '0490 75 40 81'],
    ['FR 01.84.17.61.18', '01.84.17.61.18'],
    ['AU (08) 8747 6301', '(08) 8747 6301'],
  ])('finds a number in %j', (text, expected) => {
    expect(values(text)).toEqual([expected])
  })

  it('accepts looser groupings only next to a phone word', () => {
    expect(values('Phone: 467 3395')).toEqual(['467 3395'])
    expect(values('call me on 9472 7916?')).toEqual(['9472 7916'])
    expect(values('(37) 788-063-Office')).toEqual(['(37) 788-063'])
    expect(values('we have 467 3395 apples')).toEqual([])
    expect(values('Phone: 555 1234, order 12345678')).toEqual(['555 1234'])
  })

  it('finds numbers listed one after another when each starts with +', () => {
    expect(values('+32-26409140 +32-26451850')).toEqual(['+32-26409140', '+32-26451850'])
  })

  it.each([
    ['a date', 'Born 2023-01-15, call 15.01.2023'],
    ['a date after a phone word', 'call on 2023-01-15'],
    ['a version', 'upgrade to v10.15.7 or version 2.7.18.1'],
    ['a lone country code', 'dial +1 for English'],
    ['an order number', 'Order 555-123-4567 shipped'],
    ['a plain long number', 'ID 12345678901234 and 9498777106'],
    ['an ISBN', 'ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2'],
    ['a UUID', 'req 550e8400-e29b-41d4-a716-446655440000'],
    ['an IPv4 address', 'host 192.168.10.100'],
    ['a time', 'at 12:30:45'],
    ['an address', 'office is at 17031 2202 Rissik St'],
    ['a postcode and house number', '03262 2437 Main St'],
    ['a price', 'costs $1,234,567.89'],
  ])('ignores %s', (_, text) => {
    expect(values(text)).toEqual([])
  })
})
