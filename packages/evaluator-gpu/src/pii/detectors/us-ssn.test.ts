import { describe, expect, it } from 'vitest'
import { detectUsSsns } from './us-ssn.js'

const values = (text: string): string[] => detectUsSsns(text).map((s) => text.slice(s.start, s.end))

describe('detectUsSsns', () => {
  it('finds dashed numbers anywhere and spaced or bare ones after an SSN word', () => {
    expect(values("Here's my SSN: 460-89-9847")).toEqual(['460-89-9847'])
    expect(values('id 853-37-1694.')).toEqual(['853-37-1694'])
    expect(values('social security number 460 89 9847')).toEqual(['460 89 9847'])
    expect(values('SSN 460899847')).toEqual(['460899847'])
  })

  it('ignores spaced or bare nine digits without an SSN word', () => {
    expect(values('ref 460 89 9847 and 460899847')).toEqual([])
  })

  it.each([
    ['area 000', 'SSN 000-12-3456'],
    ['area 666', 'SSN 666-12-3456'],
    ['area 9xx', 'SSN 912-12-3456'],
    ['group 00', 'SSN 123-00-4567'],
    ['serial 0000', 'SSN 123-45-0000'],
    ['the Woolworth card', 'SSN 078-05-1120'],
    ['a phone number', 'call 555-123-4567'],
    ['part of a longer number', '1123-45-6789 or 123-45-67890'],
  ])('ignores %s', (_, text) => {
    expect(values(text)).toEqual([])
  })
})
