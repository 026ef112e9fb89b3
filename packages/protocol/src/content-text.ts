import type { Content, Message } from './content.js'

/** The plain text of content, as evaluators read it; `role` keeps only that role's messages. */
export function contentText(content: Content, role?: Message['role']): string {
  if (content.type === 'text') return content.text
  return content.messages
    .filter((m) => role === undefined || m.role === role)
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : m.content.map((p) => (p.type === 'text' ? p.text : '')).join(''),
    )
    .join('\n')
}

/** The text of the last user turn (what the gate judges on the input side), or all text. */
export function lastUserText(content: Content): string {
  if (content.type === 'text') return content.text
  for (let i = content.messages.length - 1; i >= 0; i -= 1) {
    const message = content.messages[i]
    if (message?.role === 'user') return contentText({ type: 'messages', messages: [message] })
  }
  return contentText(content)
}

/**
 * The tool-role messages after the last user turn: what tools returned in this turn of an agent
 * loop, which evaluators scan for planted instructions (earlier turns were judged when sent).
 */
export function latestToolOutputs(content: Content): string[] {
  if (content.type === 'text') return []
  const outputs: string[] = []
  for (let i = content.messages.length - 1; i >= 0; i -= 1) {
    const message = content.messages[i]
    if (message === undefined || message.role === 'user') break
    if (message.role === 'tool')
      outputs.unshift(contentText({ type: 'messages', messages: [message] }))
  }
  return outputs
}
