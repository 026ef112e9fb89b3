/** A sentence of a text with its UTF-16 offsets (end exclusive). */
export interface Sentence {
  text: string
  start: number
  end: number
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' })

/** Splits text into sentences (Unicode sentence boundaries), trimming whitespace and dropping empty ones. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = []
  for (const { segment, index } of segmenter.segment(text)) {
    const leading = segment.length - segment.trimStart().length
    const trimmed = segment.trim()
    if (trimmed === '') continue
    sentences.push({ text: trimmed, start: index + leading, end: index + leading + trimmed.length })
  }
  return sentences
}
