const MAX_MS = 2 ** 48 - 1
const LOW_62 = (1n << 62n) - 1n
const VARIANT = 1n << 63n

const FNV_OFFSET = 0xcbf29ce484222325n
const FNV_PRIME = 0x100000001b3n

/** FNV-1a, 64 bits: spreads ids that are not hex (a broken exporter's) over the id's bits. */
function fnv1a64(text: string): bigint {
  let hash = FNV_OFFSET
  for (let i = 0; i < text.length; i += 1)
    hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * FNV_PRIME)
  return hash
}

function hexOr(value: string, length: number): string {
  const lower = value.toLowerCase()
  if (/^[0-9a-f]+$/.test(lower)) return lower.padStart(length, '0').slice(-length)
  return fnv1a64(value).toString(16).padStart(16, '0').repeat(2).slice(-length)
}

/**
 * A UUIDv7 that is a pure function of a span: its start millisecond in the time field, bits of the
 * trace and span ids in the random fields. Re-sent spans (exporter retries, the same span through
 * both the OTLP receiver and the SDK's exporter) therefore map to the same event id, which the
 * platform deduplicates on.
 */
export function spanEventId(traceId: string, spanId: string, startTimeMs: number): string {
  const ms = Math.min(
    MAX_MS,
    Math.max(0, Math.floor(Number.isFinite(startTimeMs) ? startTimeMs : 0)),
  )
  const time = ms.toString(16).padStart(12, '0')
  const randA = hexOr(traceId, 32).slice(-3)
  const randB = ((BigInt(`0x${hexOr(spanId, 16)}`) & LOW_62) | VARIANT).toString(16)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randA}-${randB.slice(0, 4)}-${randB.slice(4)}`
}
