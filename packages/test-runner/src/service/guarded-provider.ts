import { ProviderError, type CallOptions, type Provider } from '../providers/provider.js'

/** Shorter secrets are not redacted: replacing them would mangle ordinary words in messages. */
const MIN_SECRET_CHARS = 8

/**
 * Wraps a provider for a long-lived run: its errors never carry `secret` (an API key some
 * servers echo back in a 401 message; failures are stored with the results, and keys must never
 * be stored), and each call gets its own abort signal tied to the run's, because the `openai`
 * client adds a listener to the signal it is given and never removes it (one per call, held
 * until the run ends, and a MaxListenersExceededWarning after ten).
 */
export function guardedProvider(provider: Provider, secret: string | undefined): Provider {
  const redacts = secret !== undefined && secret.length >= MIN_SECRET_CHARS
  return {
    name: provider.name,
    model: provider.model,
    endpoint: provider.endpoint,
    complete: async (request, options: CallOptions = {}) => {
      const outer = options.signal
      const inner = new AbortController()
      const forward = (): void => inner.abort(outer?.reason)
      if (outer?.aborted === true) forward()
      else outer?.addEventListener('abort', forward, { once: true })
      try {
        return await provider.complete(request, { ...options, signal: inner.signal })
      } catch (error) {
        throw redacts ? redact(error, secret) : error
      } finally {
        outer?.removeEventListener('abort', forward)
      }
    },
  }
}

function redact(error: unknown, secret: string): unknown {
  if (!(error instanceof Error) || !error.message.includes(secret)) return error
  const message = error.message.split(secret).join('[redacted]')
  // The cause is dropped on purpose: the SDK error it would hold repeats the key.
  if (error instanceof ProviderError)
    return new ProviderError(error.kind, message, error.status, error.retryAfterMs)
  return new ProviderError('client', message)
}

/** A base URL as it may be stored: no credentials, query or fragment (some gateways put keys there). */
export function storableEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint)
    return `${url.protocol}//${url.host}${url.pathname}`
  } catch {
    return '(unparsable endpoint)' // the provider accepted it, but nothing of it is kept
  }
}
