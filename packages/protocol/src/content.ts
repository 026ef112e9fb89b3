import { z } from 'zod'
import { MAX_MESSAGES, MAX_CONTEXT_DOCUMENTS } from './limits.js'
import { shortIdSchema } from './primitives.js'

/** A tool (function) call requested by the model; `arguments` is the raw JSON text the model produced. */
export const toolCallSchema = z.strictObject({
  id: shortIdSchema,
  name: z.string().min(1).max(256),
  arguments: z.string(),
})

/** One part of a multi-part message: text, or a reference to non-text content (never the bytes). */
export const contentPartSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({
    type: z.literal('image'),
    url: z.string().max(4096).optional(),
    mediaType: z.string().max(128).optional(),
  }),
  z.strictObject({
    type: z.literal('file'),
    name: z.string().max(1024).optional(),
    mediaType: z.string().max(128).optional(),
  }),
])

/** Role of a chat message, following the union of the OpenAI and Anthropic vocabularies. */
export const messageRoleSchema = z.enum(['system', 'developer', 'user', 'assistant', 'tool'])

/** One chat message. */
export const messageSchema = z.strictObject({
  role: messageRoleSchema,
  content: z.union([z.string(), z.array(contentPartSchema).max(256)]),
  name: z.string().max(256).optional(),
  toolCalls: z.array(toolCallSchema).max(128).optional(),
  toolCallId: shortIdSchema.optional(),
})

/** What went into or came out of a model: plain text, or a list of messages. */
export const contentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({
    type: z.literal('messages'),
    messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
  }),
])

/** One retrieved document the answer should be grounded in. */
export const contextDocumentSchema = z.strictObject({
  id: shortIdSchema.optional(),
  content: z.string(),
  source: z.string().max(2048).optional(),
})

/** Retrieval context: the documents given to the model (used by grounding checks). */
export const retrievalContextSchema = z.array(contextDocumentSchema).max(MAX_CONTEXT_DOCUMENTS)

/** A tool call as a TypeScript type. */
export type ToolCall = z.infer<typeof toolCallSchema>
/** A message content part as a TypeScript type. */
export type ContentPart = z.infer<typeof contentPartSchema>
/** A chat message as a TypeScript type. */
export type Message = z.infer<typeof messageSchema>
/** Model input or output as a TypeScript type. */
export type Content = z.infer<typeof contentSchema>
/** A retrieval-context document as a TypeScript type. */
export type ContextDocument = z.infer<typeof contextDocumentSchema>
