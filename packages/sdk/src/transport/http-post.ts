/** The parts of an HTTP answer the sender reads. */
export interface HttpReply {
  status: number
  header(name: string): string | null
  body: string
}

/** POSTs a body; each runtime brings its own (undici's `request` on Node, `fetch` elsewhere). */
export type HttpPost = (
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  signal: AbortSignal,
) => Promise<HttpReply>

/** A POST over the standard `fetch` (edge runtimes, browsers, or a `fetch` given in the options). */
export function fetchPost(fetchFn: () => typeof fetch): HttpPost {
  return async (url, headers, body, signal) => {
    const response = await fetchFn()(url, { method: 'POST', headers, body, signal })
    const text = await response.text()
    return { status: response.status, header: (name) => response.headers.get(name), body: text }
  }
}
