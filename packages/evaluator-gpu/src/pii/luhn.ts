/** True when a string of ASCII digits passes the Luhn (mod 10) checksum used by payment cards. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/** The digit that makes `payload + digit` Luhn-valid (used by tests and fixtures). */
export function luhnCheckDigit(payload: string): string {
  for (let d = 0; d <= 9; d += 1) {
    if (isLuhnValid(`${payload}${d}`)) return String(d)
  }
  throw new RangeError(`not a digit string: ${payload}`)
}
