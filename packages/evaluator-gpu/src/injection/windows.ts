/** The windowing the indirect-injection model was trained with (manifest `windowing.name`). */
export const WINDOWING_NAME = 'anansi-windows-v1'

/** Longest window before it is cut, in code points (manifest `windowing.max_window`). */
export const MAX_WINDOW = 400

/** Pieces with fewer words than this are joined with the pieces after them. */
export const MIN_WORDS = 3

/** A window of a document with its UTF-16 offsets (end exclusive). */
export interface TextWindow {
  text: string
  start: number
  end: number
}

const LINE_BREAKS = new Set(['\n', '\r', '\u000b', '\u000c', '\u0085', '\u2028', '\u2029'])
// The Unicode White_Space property, as the featurizer spells it out (training/FEATURIZER.md).
const WHITESPACE = new Set(
  Array.from(
    '\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
  ),
)
const TERMINATORS = new Set(['.', '!', '?'])
const WIDE_TERMINATORS = new Set(['\u3002', '\uff01', '\uff1f'])
const CLOSERS = new Set(['"', "'", ')', ']', '}', '\u00bb', '\u2019', '\u201d'])
const HAS_WORD = /[\p{L}\p{N}]/u
const WORD = /[\p{L}\p{N}_]+/gu

type Range = readonly [number, number]

/** Code points of a text and the UTF-16 offset of each (plus the text's length at the end). */
interface CodePoints {
  chars: string[]
  offsets: number[]
}

function codePoints(text: string): CodePoints {
  const chars: string[] = []
  const offsets: number[] = []
  let offset = 0
  for (const char of text) {
    chars.push(char)
    offsets.push(offset)
    offset += char.length
  }
  offsets.push(offset)
  return { chars, offsets }
}

function lines(chars: readonly string[]): Range[] {
  const out: Range[] = []
  let start = 0
  let i = 0
  while (i < chars.length) {
    const c = chars[i] ?? ''
    if (LINE_BREAKS.has(c)) {
      out.push([start, i])
      i += c === '\r' && chars[i + 1] === '\n' ? 2 : 1
      start = i
    } else i += 1
  }
  out.push([start, chars.length])
  return out
}

const isTerminator = (c: string): boolean => TERMINATORS.has(c) || WIDE_TERMINATORS.has(c)

function sentences(chars: readonly string[], [start, end]: Range): Range[] {
  const out: Range[] = []
  let from = start
  let i = start
  while (i < end) {
    const c = chars[i] ?? ''
    if (!isTerminator(c)) {
      i += 1
      continue
    }
    let j = i + 1
    while (j < end && (isTerminator(chars[j] ?? '') || CLOSERS.has(chars[j] ?? ''))) j += 1
    if (WIDE_TERMINATORS.has(c) || j === end || WHITESPACE.has(chars[j] ?? '')) {
      out.push([from, j])
      from = j
    }
    i = j
  }
  out.push([from, end])
  return out
}

function trim(chars: readonly string[], [start, end]: Range): Range {
  let s = start
  let e = end
  while (s < e && WHITESPACE.has(chars[s] ?? '')) s += 1
  while (e > s && WHITESPACE.has(chars[e - 1] ?? '')) e -= 1
  return [s, e]
}

function cutLong(chars: readonly string[], [start, end]: Range): Range[] {
  const out: Range[] = []
  let s = start
  while (end - s > MAX_WINDOW) {
    const limit = s + MAX_WINDOW
    let cut = limit
    for (let k = limit; k > s + Math.floor(MAX_WINDOW / 2); k -= 1) {
      if (WHITESPACE.has(chars[k] ?? '')) {
        cut = k
        break
      }
    }
    out.push([s, cut])
    s = trim(chars, [cut, end])[0]
  }
  out.push([s, end])
  return out
}

const slice = (chars: readonly string[], [s, e]: Range): string => chars.slice(s, e).join('')

function pieces(chars: readonly string[]): Range[] {
  const out: Range[] = []
  for (const line of lines(chars)) {
    const bars = chars.slice(line[0], line[1]).filter((c) => c === '|').length
    // A table row stays whole: "| A.D. 1961 | ..." is one record, not two sentences.
    for (const sentence of bars >= 2 ? [line] : sentences(chars, line)) {
      const trimmed = trim(chars, sentence)
      if (trimmed[0] >= trimmed[1]) continue
      for (const part of cutLong(chars, trimmed)) {
        const piece = trim(chars, part)
        if (piece[0] < piece[1] && HAS_WORD.test(slice(chars, piece))) out.push(piece)
      }
    }
  }
  return out
}

const wordCount = (text: string): number => text.match(WORD)?.length ?? 0

function mergeShort(chars: readonly string[], parts: readonly Range[]): Range[] {
  const out: Range[] = []
  let pending: number | undefined
  let pendingEnd = 0
  for (const [s, e] of parts) {
    if (pending !== undefined && e - pending > MAX_WINDOW) {
      out.push([pending, pendingEnd]) // joining would make it too long: it stands alone
      pending = undefined
    }
    const start = pending ?? s
    if (wordCount(slice(chars, [start, e])) < MIN_WORDS) {
      pending = start
      pendingEnd = e
      continue
    }
    out.push([start, e])
    pending = undefined
  }
  if (pending !== undefined) {
    const last = out.at(-1)
    if (last !== undefined && pendingEnd - last[0] <= MAX_WINDOW)
      out[out.length - 1] = [last[0], pendingEnd]
    else out.push([pending, pendingEnd])
  }
  return out
}

/**
 * Cuts a document into the windows the indirect-injection model scores (`anansi-windows-v1`, the
 * same cut as training/anansi_training/windows.py): lines, then sentences within prose lines (table
 * rows stay whole), long pieces cut at MAX_WINDOW code points, pieces of fewer than MIN_WORDS words
 * joined with the next while the window stays within MAX_WINDOW.
 */
export function splitWindows(text: string): TextWindow[] {
  const { chars, offsets } = codePoints(text)
  return mergeShort(chars, pieces(chars)).map(([s, e]) => {
    const start = offsets[s] ?? 0
    const end = offsets[e] ?? text.length
    return { text: text.slice(start, end), start, end }
  })
}
