import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BUILTIN_MODELS_DIR } from '../model-directory.js'
import { loadTokenizer } from './wordpiece-tokenizer.js'

const bertFile = join(BUILTIN_MODELS_DIR, 'minilm-l6-v2', 'tokenizer.json')
const bert = z
  .looseObject({
    model: z.looseObject({ vocab: z.record(z.string(), z.int()) }),
    added_tokens: z.array(z.looseObject({ id: z.int(), content: z.string() })),
  })
  .parse(JSON.parse(readFileSync(bertFile, 'utf8')))
const work = mkdtempSync(join(tmpdir(), 'anansi-tokenizer-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The shipped BERT tokenizer with its special tokens renamed (`renames`) and other fields replaced. */
function variant(
  name: string,
  renames: Record<string, [string, number]>,
  fields: Record<string, unknown>,
): string {
  const vocab: Record<string, number> = {}
  const takenIds = new Set(Object.values(renames).map(([, id]) => id))
  for (const [token, id] of Object.entries(bert.model.vocab))
    if (renames[token] === undefined && !takenIds.has(id)) vocab[token] = id
  for (const [token, id] of Object.values(renames)) vocab[token] = id
  const added = bert.added_tokens
    .filter((t) => renames[t.content] !== undefined)
    .map((t) => ({ ...t, content: renames[t.content]?.[0], id: renames[t.content]?.[1] }))
  const json = { ...bert, model: { ...bert.model, vocab }, added_tokens: added, ...fields }
  writeFileSync(join(work, name), JSON.stringify(json))
  return name
}

const sha = (file: string): string =>
  createHash('sha256')
    .update(readFileSync(join(work, file)))
    .digest('hex')
const load = (file: string, maxLength: number) => loadTokenizer(work, file, sha(file), maxLength)
const longText = 'tell me about gardens '.repeat(100)

// RoBERTa names its specials <s>, </s>, <pad>; here they also get ids no BERT special has.
const roberta = variant(
  'roberta.json',
  { '[CLS]': ['<s>', 1], '[SEP]': ['</s>', 2], '[PAD]': ['<pad>', 3] },
  {
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['</s>', 2],
      cls: ['<s>', 1],
      trim_offsets: true,
      add_prefix_space: false,
    },
  },
)

describe('loadTokenizer', () => {
  it('keeps [CLS] … [SEP] of a BERT tokenizer when it cuts', async () => {
    const file = variant('bert.json', {}, {})
    const tokenizer = await load(file, 16)
    expect(tokenizer.padId).toBe(0)
    const short = tokenizer.encode('hello world')
    expect(short.ids[0]).toBe(101)
    expect(short.ids.at(-1)).toBe(102)
    expect(short.truncated).toBe(false)
    const long = tokenizer.encode(longText)
    expect(long.ids).toHaveLength(16)
    expect(long.ids[0]).toBe(101)
    expect(long.ids.at(-1)).toBe(102)
    expect(long.truncated).toBe(true)
  })

  it('accepts a RoBERTa-style tokenizer (<s> … </s>, no [SEP]) and keeps </s> when it cuts', async () => {
    const tokenizer = await load(roberta, 16)
    expect(tokenizer.padId).toBe(3)
    const short = tokenizer.encode('hello world')
    expect(short.ids[0]).toBe(1)
    expect(short.ids.at(-1)).toBe(2)
    expect(short.ids).not.toContain(102)
    const long = tokenizer.encode(longText)
    expect(long.ids).toHaveLength(16)
    expect(long.ids.at(-1)).toBe(2)
    expect(long.ids[0]).toBe(1)
    expect(long.ids.slice(1, -1)).not.toContain(2)
  })

  it('takes the pad id from the padding section when there is one', async () => {
    const file = variant('padded.json', {}, { padding: { pad_id: 7, pad_token: '[unused6]' } })
    expect((await load(file, 16)).padId).toBe(7)
  })

  it('cuts plainly when the tokenizer adds no special tokens', async () => {
    const file = variant('bare.json', {}, { post_processor: null })
    const tokenizer = await load(file, 8)
    const long = tokenizer.encode(longText)
    expect(long.ids).toHaveLength(8)
    expect(long.ids).not.toContain(101)
    expect(long.ids).not.toContain(102)
  })

  it('refuses a maxLength that leaves no room between the special tokens', async () => {
    await expect(load(roberta, 2)).rejects.toMatchObject({ code: 'invalid_manifest' })
  })
})
