import { BlockList, isIP } from 'node:net'

/** Why a webhook URL is refused when it is configured: a code to switch on and a message. */
export interface WebhookUrlProblem {
  code: 'invalid_url' | 'credentials_in_url' | 'private_target'
  message: string
}

// Literal addresses that are not globally routable unicast: loopback, private, link-local (cloud
// metadata), CGNAT, documentation, benchmarking, multicast, reserved, and the IPv6 blocks that
// embed an IPv4 address (their target is judged at delivery time by the dispatcher's guard).
const NON_PUBLIC = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6')

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, or the `::ffff:7f00:1` form URLs normalise to) as IPv4. */
function mappedIpv4(address: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (dotted?.[1] !== undefined) return dotted[1]
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address)
  if (hex?.[1] === undefined || hex[2] === undefined) return undefined
  const high = Number.parseInt(hex[1], 16)
  const low = Number.parseInt(hex[2], 16)
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}

/**
 * Whether a URL hostname names a non-public target by itself: an IP literal outside global
 * unicast, or `localhost` (RFC 6761 reserves it and its subdomains for loopback). Names are not
 * resolved here; the dispatcher resolves and checks every address at delivery time.
 */
export function isPrivateLiteralHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  const family = isIP(host)
  if (family === 0) return false
  const mapped = family === 6 ? mappedIpv4(host) : undefined
  if (mapped !== undefined) return NON_PUBLIC.check(mapped, 'ipv4')
  return NON_PUBLIC.check(host, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Checks a webhook URL when it is configured: http(s), no credentials, and (unless the operator
 * allows private targets) no literal private host. Answers the problem, or undefined when fine.
 */
export function webhookUrlProblem(
  rawUrl: string,
  allowPrivateTargets: boolean,
): WebhookUrlProblem | undefined {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return { code: 'invalid_url', message: 'not a valid URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { code: 'invalid_url', message: `the scheme ${url.protocol} is not http(s)` }
  // The dispatcher refuses such URLs at delivery, so accepting them would only hide the mistake.
  if (url.username !== '' || url.password !== '')
    return { code: 'credentials_in_url', message: 'the URL must not carry credentials' }
  if (!allowPrivateTargets && isPrivateLiteralHost(url.hostname))
    return {
      code: 'private_target',
      message: `${url.hostname} is a private, loopback or link-local address (not allowed by this server)`,
    }
  return undefined
}
