import type { LookupAddress, LookupOptions } from 'node:dns'
import type { LookupFunction } from 'node:net'
import type { ResolvedTarget } from './ssrf-guard.js'

/**
 * A `lookup` for node:http(s) `request` that answers only the checked addresses, so the socket
 * connects where the SSRF check looked even if DNS now answers differently. The request keeps
 * the original hostname, so the Host header and TLS servername (and certificate check) are
 * unchanged.
 */
export function pinnedLookup(target: ResolvedTarget): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    if (hostname !== target.hostname) {
      const error: NodeJS.ErrnoException = new Error(
        `pinned lookup for ${target.hostname} asked for ${hostname}`,
      )
      error.code = 'ENOTFOUND'
      callback(error, '', 0)
      return
    }
    if (options.all === true) {
      const answer: LookupAddress[] = target.addresses.map((a) => ({ ...a }))
      callback(null, answer)
      return
    }
    callback(null, target.address, target.family)
  }
}
