const C1 = 0xcc9e2d51
const C2 = 0x1b873593

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes, as an unsigned 32-bit integer. Encodes on the fly
 * instead of allocating a byte array per feature: the featurizer hashes thousands of short strings
 * per text, and this is its hot loop. Lone surrogates hash as U+FFFD, like `TextEncoder`.
 */
export function murmur3Utf8(text: string, seed = 0): number {
  let h = seed >>> 0
  let block = 0
  let filled = 0
  let length = 0

  const push = (byte: number): void => {
    block |= byte << (filled * 8)
    filled += 1
    length += 1
    if (filled === 4) {
      let k = Math.imul(block, C1)
      k = (k << 15) | (k >>> 17)
      k = Math.imul(k, C2)
      h ^= k
      h = (h << 13) | (h >>> 19)
      h = (Math.imul(h, 5) + 0xe6546b64) | 0
      block = 0
      filled = 0
    }
  }

  for (let i = 0; i < text.length; i += 1) {
    let cp = text.charCodeAt(i)
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00)
        i += 1
      } else cp = 0xfffd
    } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
    if (cp < 0x80) push(cp)
    else if (cp < 0x800) {
      push(0xc0 | (cp >> 6))
      push(0x80 | (cp & 0x3f))
    } else if (cp < 0x10000) {
      push(0xe0 | (cp >> 12))
      push(0x80 | ((cp >> 6) & 0x3f))
      push(0x80 | (cp & 0x3f))
    } else {
      push(0xf0 | (cp >> 18))
      push(0x80 | ((cp >> 12) & 0x3f))
      push(0x80 | ((cp >> 6) & 0x3f))
      push(0x80 | (cp & 0x3f))
    }
  }

  if (filled > 0) {
    let k = Math.imul(block, C1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, C2)
    h ^= k
  }
  h ^= length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
