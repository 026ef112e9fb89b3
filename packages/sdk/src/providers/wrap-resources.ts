import type { CallRecorder } from '../core/call-recorder.js'
import { isAdapter, type ResourceSpec } from './method-adapter.js'
import { wrapMethod } from './wrap-method.js'
import { WRAPPED_BY } from './wrapped-marker.js'
import type { WrapSettings } from './wrap-options.js'

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown

/** The client being wrapped, and its wrapper. */
interface Root {
  raw: object
  wrapped: object
}

/**
 * Returns a Proxy of `target` whose resources named in `spec` are proxied in turn, down to the
 * wrapped methods. Everything else is the client's own (methods run with the proxy as `this`, so
 * helpers such as `messages.stream()` that call `this.create` are recorded too). Helpers that call
 * back through the client instead (`chat.completions.parse()` and `.stream()`,
 * `responses.stream()` read `this._client`) get the wrapped client, so they are recorded too.
 * Wrappers are cached so `client.chat` is the same object on every read.
 */
export function wrapResources<C extends object>(
  target: C,
  spec: ResourceSpec,
  recorder: CallRecorder,
  options: WrapSettings,
  root?: Root,
): C {
  const cache = new Map<PropertyKey, unknown>()
  const proxy = new Proxy(target, {
    get(object, key) {
      if (key === WRAPPED_BY) return recorder
      const value: unknown = Reflect.get(object, key, object) // getters see the real client
      if (value === top.raw) return top.wrapped
      const node = typeof key === 'string' ? spec[key] : undefined
      if (node === undefined || value === null || value === undefined) return value
      const cached = cache.get(key)
      if (cached !== undefined && (cached as { source: unknown }).source === value)
        return (cached as { wrapped: unknown }).wrapped
      let wrapped: unknown = value
      if (isAdapter(node) && typeof value === 'function')
        wrapped = wrapMethod(value as AnyMethod, object, recorder, options, node)
      else if (!isAdapter(node) && typeof value === 'object')
        wrapped = wrapResources(value, node, recorder, options, top)
      cache.set(key, { source: value, wrapped })
      return wrapped
    },
  })
  const top: Root = root ?? { raw: target, wrapped: proxy }
  return proxy
}
