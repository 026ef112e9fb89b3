import type { LookupAddress } from 'node:dns'
import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import { WebhookError } from './errors.js'
import { pinnedLookup } from './pinned-lookup.js'
import {
  type AddressLookup,
  assertDeliverableUrl,
  isDeliverableAddress,
  type ResolvedTarget,
} from './ssrf-guard.js'

const strict = { allowPrivate: false }
const resolvesTo =
  (...addresses: string[]): AddressLookup =>
  () =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    )

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WebhookError) return error.code
    throw error
  }
  return 'accepted'
}

describe('assertDeliverableUrl', () => {
  it('accepts a public host and returns the address it checked', async () => {
    const target = await assertDeliverableUrl('https://hooks.example.com:8443/in?x=1', {
      ...strict,
      lookup: resolvesTo('93.184.216.34'),
    })
    expect(target).toMatchObject({
      hostname: 'hooks.example.com',
      address: '93.184.216.34',
      family: 4,
    })
    expect(target.url.port).toBe('8443')
  })

  it.each([
    'http://127.0.0.1/',
    'http://127.1.2.3:8080/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fe80::1]/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://[fd00::1]/',
    'http://[fec0::1]/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://240.0.0.1/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
  ])('refuses the literal address in %s', async (url) => {
    expect(await codeOf(assertDeliverableUrl(url, { ...strict, lookup: resolvesTo() }))).toBe(
      'ssrf_refused',
    )
  })

  it('refuses localhost and any name that resolves to a private address', async () => {
    expect(await codeOf(assertDeliverableUrl('http://localhost:9/', strict))).toBe('ssrf_refused')
    const lookup = resolvesTo('10.0.0.1')
    expect(
      await codeOf(assertDeliverableUrl('http://internal.example/', { ...strict, lookup })),
    ).toBe('ssrf_refused')
  })

  it('refuses a name when any one of its addresses is private', async () => {
    const lookup = resolvesTo('93.184.216.34', '2606:4700::1111', '192.168.0.7')
    expect(
      await codeOf(assertDeliverableUrl('https://mixed.example/', { ...strict, lookup })),
    ).toBe('ssrf_refused')
  })

  it('refuses an answer that is not a canonical IP literal', async () => {
    for (const odd of ['not-an-ip', '0x5db8d822', '1572395042']) {
      const lookup = resolvesTo(odd)
      const url = 'https://odd.example/'
      expect(await codeOf(assertDeliverableUrl(url, { ...strict, lookup }))).toBe('ssrf_refused')
    }
  })

  it('refuses an answer it cannot parse as an address', async () => {
    const lookup = resolvesTo('not-an-ip')
    expect(await codeOf(assertDeliverableUrl('https://odd.example/', { ...strict, lookup }))).toBe(
      'ssrf_refused',
    )
  })

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'not a url', ''])(
    'refuses %j as an invalid URL',
    async (url) => {
      const lookup = resolvesTo('93.184.216.34')
      expect(await codeOf(assertDeliverableUrl(url, { ...strict, lookup }))).toBe('invalid_url')
      expect(await codeOf(assertDeliverableUrl(url, { allowPrivate: true, lookup }))).toBe(
        'invalid_url',
      )
    },
  )

  it('refuses credentials in the URL', async () => {
    const lookup = resolvesTo('93.184.216.34')
    for (const url of ['https://user:pw@example.com/', 'https://user@example.com/']) {
      expect(await codeOf(assertDeliverableUrl(url, { ...strict, lookup }))).toBe('invalid_url')
    }
  })

  it('reports DNS failures and empty answers as dns_failed', async () => {
    const failing: AddressLookup = () => Promise.reject(new Error('ENOTFOUND'))
    expect(
      await codeOf(assertDeliverableUrl('https://x.example/', { ...strict, lookup: failing })),
    ).toBe('dns_failed')
    const empty = resolvesTo()
    expect(
      await codeOf(assertDeliverableUrl('https://x.example/', { ...strict, lookup: empty })),
    ).toBe('dns_failed')
  })

  it('gives up waiting for DNS when the signal aborts', async () => {
    const never: AddressLookup = () => new Promise(() => undefined)
    const signal = AbortSignal.timeout(20)
    const url = 'https://slow.example/'
    expect(await codeOf(assertDeliverableUrl(url, { ...strict, lookup: never, signal }))).toBe(
      'dns_failed',
    )
  })

  it('lets the operator allow private targets, still only over http(s)', async () => {
    const target = await assertDeliverableUrl('http://127.0.0.1:8080/hook', { allowPrivate: true })
    expect(target).toMatchObject({ hostname: '127.0.0.1', address: '127.0.0.1', family: 4 })
    const lookup = resolvesTo('10.0.0.1')
    const named = await assertDeliverableUrl('http://svc.internal/', { allowPrivate: true, lookup })
    expect(named.address).toBe('10.0.0.1')
  })

  it('strips IPv6 brackets from the hostname it pins', async () => {
    const target = await assertDeliverableUrl('http://[2606:4700::1111]/', strict)
    expect(target).toMatchObject({
      hostname: '2606:4700::1111',
      address: '2606:4700::1111',
      family: 6,
    })
  })

  it('refuses a random IPv4 address exactly when ipaddr.js does not call it unicast', async () => {
    await fc.assert(
      fc.asyncProperty(fc.ipV4(), async (address) => {
        const unicast = ipaddr.parse(address).range() === 'unicast'
        expect(isDeliverableAddress(address)).toBe(unicast)
        const literal = await codeOf(assertDeliverableUrl(`http://${address}/`, strict))
        expect(literal).toBe(unicast ? 'accepted' : 'ssrf_refused')
        const mapped = await codeOf(assertDeliverableUrl(`http://[::ffff:${address}]/`, strict))
        expect(mapped).toBe(unicast ? 'accepted' : 'ssrf_refused')
        const viaDns = await codeOf(
          assertDeliverableUrl('http://name.example/', { ...strict, lookup: resolvesTo(address) }),
        )
        expect(viaDns).toBe(unicast ? 'accepted' : 'ssrf_refused')
      }),
    )
  })

  it('accepts only unicast IPv6 addresses', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        if (isDeliverableAddress(address)) {
          expect(ipaddr.process(address).range()).toBe('unicast')
        }
      }),
    )
  })
})

describe('DNS rebinding', () => {
  it('pins the connection to the address that was checked, not to a later DNS answer', async () => {
    const answers = ['93.184.216.34', '127.0.0.1']
    let calls = 0
    const rebinding: AddressLookup = () => {
      const address = answers[Math.min(calls++, answers.length - 1)] ?? '127.0.0.1'
      return Promise.resolve([{ address, family: 4 }])
    }
    const target = await assertDeliverableUrl('https://rebind.example/hook', {
      ...strict,
      lookup: rebinding,
    })
    expect(target.address).toBe('93.184.216.34')
    // DNS now points at loopback; the connection's lookup must still answer the checked address.
    expect((await rebinding('rebind.example'))[0]?.address).toBe('127.0.0.1')
    expect(await callPinned(target, { all: true })).toEqual([
      { address: '93.184.216.34', family: 4 },
    ])
    expect(await callPinned(target, {})).toEqual('93.184.216.34')
  })

  it('offers every checked address of a dual-stack host, and nothing else', async () => {
    const lookup = resolvesTo('2606:4700::1111', '93.184.216.34')
    const target = await assertDeliverableUrl('https://dual.example/', { ...strict, lookup })
    expect(target).toMatchObject({ address: '2606:4700::1111', family: 6 })
    expect(await callPinned(target, { all: true })).toEqual([
      { address: '2606:4700::1111', family: 6 },
      { address: '93.184.216.34', family: 4 },
    ])
  })

  it('answers no other hostname', async () => {
    const target: ResolvedTarget = {
      url: new URL('https://a.example/'),
      hostname: 'a.example',
      address: '93.184.216.34',
      family: 4,
      addresses: [{ address: '93.184.216.34', family: 4 }],
    }
    await expect(callPinned(target, {}, 'b.example')).rejects.toThrow(/pinned lookup/)
  })
})

function callPinned(
  target: ResolvedTarget,
  options: { all?: boolean },
  hostname = target.hostname,
): Promise<string | LookupAddress[]> {
  return new Promise((resolve, reject) => {
    pinnedLookup(target)(hostname, options, (error, address) => {
      if (error) reject(error)
      else resolve(address)
    })
  })
}
