import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { pinnedLookup } from './pinned-lookup.js'
import type { ResolvedTarget } from './ssrf-guard.js'

/** What came back from one POST: the status, the headers and at most `maxResponseBytes` of body. */
export interface PostResponse {
  statusCode: number
  headers: IncomingHttpHeaders
  body: string
}

/** Options for {@link postPinned}. */
export interface PostOptions {
  headers: Record<string, string>
  body: string
  /** Aborting it destroys the request, whatever stage it is in. */
  signal: AbortSignal
  maxResponseBytes: number
}

/**
 * POSTs to a checked target over a socket pinned to the checked address. Redirects are returned,
 * never followed (node:http does not follow them): a redirect could point anywhere, the SSRF
 * check included.
 */
export function postPinned(target: ResolvedTarget, options: PostOptions): Promise<PostResponse> {
  const https = target.url.protocol === 'https:'
  const send = https ? httpsRequest : httpRequest
  return new Promise<PostResponse>((resolve, reject) => {
    const request = send(
      {
        protocol: target.url.protocol,
        hostname: target.hostname,
        port: target.url.port === '' ? undefined : Number(target.url.port),
        path: `${target.url.pathname}${target.url.search}`,
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        lookup: pinnedLookup(target),
        // A fresh connection per delivery: a pooled socket may have been opened to another address.
        agent: false,
        signal: options.signal,
        ...(https && isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
      },
      (response) => {
        void readCapped(response, options.maxResponseBytes).then((body) =>
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body }),
        )
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

/** Reads at most `max` bytes, then drops the connection; never rejects once the status is known. */
function readCapped(response: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = () => resolve(Buffer.concat(chunks).subarray(0, max).toString('utf8'))
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= max) {
        finish()
        response.destroy()
      }
    })
    response.on('end', finish)
    response.on('close', finish)
    // The body is diagnostics only: a broken body after the status line leaves the status valid,
    // and the caller still learns the outcome from it.
    response.on('error', finish)
  })
}
