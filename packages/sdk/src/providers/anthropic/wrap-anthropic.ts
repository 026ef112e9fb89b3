import type { CallRecorder } from '../../core/call-recorder.js'
import type { ResourceSpec } from '../method-adapter.js'
import { wrapResources } from '../wrap-resources.js'
import type { WrapSettings } from '../wrap-options.js'
import { isWrappedBy } from '../wrapped-marker.js'
import { messagesAdapter } from './messages.js'

const ANTHROPIC: ResourceSpec = { messages: { create: messagesAdapter } }

/** Wraps an `@anthropic-ai/sdk` client; wrapping an already wrapped client returns it unchanged. */
export function wrapAnthropicClient<C extends object>(
  client: C,
  recorder: CallRecorder,
  options: WrapSettings,
): C {
  return isWrappedBy(client, recorder)
    ? client
    : wrapResources(client, ANTHROPIC, recorder, options)
}
