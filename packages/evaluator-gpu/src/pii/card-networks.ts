/** A payment-card network, as far as the detector needs one. */
export type CardNetwork =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'maestro' | 'mir'

interface IinRange {
  network: CardNetwork
  from: number
  to: number
  /** How many leading digits `from` and `to` cover. */
  digits: number
  lengths: readonly number[]
}

const upTo19 = (min: number): number[] => Array.from({ length: 20 - min }, (_, i) => min + i)

const range = (
  network: CardNetwork,
  from: string,
  to: string,
  lengths: readonly number[],
): IinRange => ({ network, from: Number(from), to: Number(to), digits: from.length, lengths })

// Issuer identification number ranges (ISO/IEC 7812), most specific first: `cardNetwork` returns the
// first hit, so the broad UnionPay `62` and Maestro `5x/6x` ranges come after the narrow ones.
const RANGES: readonly IinRange[] = [
  range('visa', '4', '4', [13, 16, 19]),
  range('mastercard', '51', '55', [16]),
  range('mastercard', '2221', '2720', [16]),
  range('mir', '2200', '2204', upTo19(16)),
  range('amex', '34', '34', [15]),
  range('amex', '37', '37', [15]),
  range('discover', '6011', '6011', upTo19(16)),
  range('discover', '622126', '622925', upTo19(16)),
  range('discover', '644', '649', upTo19(16)),
  range('discover', '65', '65', upTo19(16)),
  range('jcb', '3528', '3589', upTo19(16)),
  range('jcb', '1800', '1800', [15]),
  range('jcb', '2131', '2131', [15]),
  range('diners', '300', '305', upTo19(14)),
  range('diners', '3095', '3095', upTo19(14)),
  range('diners', '36', '36', upTo19(14)),
  range('diners', '38', '39', upTo19(14)),
  range('unionpay', '62', '62', upTo19(16)),
  range('maestro', '5018', '5018', upTo19(12)),
  range('maestro', '5020', '5020', upTo19(12)),
  range('maestro', '5038', '5038', upTo19(12)),
  range('maestro', '56', '58', upTo19(12)),
  range('maestro', '6304', '6304', upTo19(12)),
  range('maestro', '6759', '6759', upTo19(12)),
  range('maestro', '6761', '6763', upTo19(12)),
]

/** The network whose IIN range and length fit `digits`, or undefined for an unknown prefix. */
export function cardNetwork(digits: string): CardNetwork | undefined {
  for (const r of RANGES) {
    const prefix = Number(digits.slice(0, r.digits))
    if (prefix < r.from || prefix > r.to) continue
    if (r.lengths.includes(digits.length)) return r.network
  }
  return undefined
}
