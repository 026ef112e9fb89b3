import type { CallRecorder } from '../../core/call-recorder.js'
import type { ResourceSpec } from '../method-adapter.js'
import { wrapResources } from '../wrap-resources.js'
import type { WrapSettings } from '../wrap-options.js'
import { isWrappedBy } from '../wrapped-marker.js'
import { chatCompletionsAdapter } from './chat-completions.js'
import { responsesAdapter } from './responses.js'

const OPENAI: ResourceSpec = {
  chat: { completions: { create: chatCompletionsAdapter } },
  responses: { create: responsesAdapter },
}

/** Wraps an `openai` client (v4–v6); wrapping an already wrapped client returns it unchanged. */
export function wrapOpenAIClient<C extends object>(
  client: C,
  recorder: CallRecorder,
  options: WrapSettings,
): C {
  return isWrappedBy(client, recorder) ? client : wrapResources(client, OPENAI, recorder, options)
}
