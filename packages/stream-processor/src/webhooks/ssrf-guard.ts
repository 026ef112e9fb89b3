import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { messageOf, WebhookError } from './errors.js'

/** One resolved address, as `dns.lookup` with `all: true` returns it. */
export interface ResolvedAddress {
  address: string
  family: number
}

/** Resolves a hostname to all of its addresses; injectable so tests need no DNS. */
export type AddressLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>

/** A URL that passed the check, with the addresses the sender may connect to (all checked). */
export interface ResolvedTarget {
  url: URL
  /** The URL's hostname without IPv6 brackets: what goes into Host and the TLS servername. */
  hostname: string
  /** The first checked address: the one to use when a single address is asked for. */
  address: string
  family: 4 | 6
  /** Every checked address in resolver order, for Happy Eyeballs connects. */
  addresses: { address: string; family: 4 | 6 }[]
}

/** Options for {@link assertDeliverableUrl}. */
export interface DeliverableUrlOptions {
  /** Operator switch for local development and tests: skips the address check (not the scheme check). */
  allowPrivate: boolean
  lookup?: AddressLookup
  /** Aborts a slow DNS lookup (getaddrinfo itself cannot be cancelled, so the wait is abandoned). */
  signal?: AbortSignal
}

const systemLookup: AddressLookup = (hostname) => dnsLookup(hostname, { all: true })

// ::/96 minus :: and ::1 is the deprecated "IPv4-compatible" block, which ipaddr.js calls unicast.
const ipv4Compatible = ipaddr.IPv6.parseCIDR('::/96')

/**
 * Whether an address may receive webhooks: only globally routable unicast. Loopback, private,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, multicast, reserved and every IPv6 block
 * that embeds an IPv4 address are refused; IPv4-mapped IPv6 is judged as the IPv4 it maps.
 */
export function isDeliverableAddress(address: string): boolean {
  // Only canonical literals: the socket must connect to exactly the address judged here.
  if (isIP(address) === 0 || !ipaddr.isValid(address)) return false
  const parsed = ipaddr.process(address)
  if (parsed.kind() === 'ipv6' && parsed.match(ipv4Compatible)) return false
  return parsed.range() === 'unicast'
}

/**
 * Checks that a webhook URL is http(s) without credentials and that every address its host
 * resolves to is deliverable; returns the address to pin the connection to, so that a DNS answer
 * that changes between this check and the connect (DNS rebinding) cannot redirect the request.
 */
export async function assertDeliverableUrl(
  rawUrl: string,
  options: DeliverableUrlOptions,
): Promise<ResolvedTarget> {
  const url = parseWebhookUrl(rawUrl)
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const addresses = isIP(hostname)
    ? [hostname]
    : await resolveAll(hostname, options.lookup ?? systemLookup, options.signal)
  if (!options.allowPrivate) {
    const refused = addresses.find((address) => !isDeliverableAddress(address))
    if (refused !== undefined) {
      throw new WebhookError(
        'ssrf_refused',
        `webhook target ${hostname} resolves to a non-public address (${refused})`,
      )
    }
  }
  const pinned = addresses.map((address) => ({ address, family: familyOf(address) }))
  const [first] = pinned
  if (first === undefined) throw new WebhookError('dns_failed', `no address for ${hostname}`)
  return { url, hostname, ...first, addresses: pinned }
}

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4
}

function parseWebhookUrl(rawUrl: string): URL {
  let url: URL
  try {
    // WHATWG parsing normalises exotic host spellings (0x7f000001, 2130706433, [::ffff:7f00:1]).
    url = new URL(rawUrl)
  } catch (cause) {
    throw new WebhookError('invalid_url', 'webhook URL is not a valid URL', { cause })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookError('invalid_url', `webhook URL scheme ${url.protocol} is not http(s)`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebhookError('invalid_url', 'webhook URL must not carry credentials')
  }
  return url
}

async function resolveAll(
  hostname: string,
  lookup: AddressLookup,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  let answers: readonly ResolvedAddress[]
  try {
    answers = await abortable(lookup(hostname), signal)
  } catch (cause) {
    throw new WebhookError('dns_failed', `DNS lookup of ${hostname} failed: ${messageOf(cause)}`, {
      cause,
    })
  }
  // Anything that is not an IP literal cannot be checked, so it fails closed in the check above.
  return answers.map((answer) => answer.address)
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(new Error('timed out'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('timed out'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
