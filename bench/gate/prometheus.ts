/** Prometheus samples by series (`name{labels}` exactly as exposed), e.g. `x_total{outcome="decided"}`. */
export type Samples = Map<string, number>

/** Parses the Prometheus text format (comments skipped; histogram buckets kept as series). */
export function parseSamples(text: string): Samples {
  const samples: Samples = new Map()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const cut = line.lastIndexOf(' ')
    const value = Number(line.slice(cut + 1))
    if (cut > 0 && Number.isFinite(value)) samples.set(line.slice(0, cut), value)
  }
  return samples
}

/** Reads a /metrics endpoint. */
export async function scrape(url: string): Promise<Samples> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return parseSamples(await response.text())
}

/** How much each series grew between two scrapes (series absent before count from zero). */
export function growth(before: Samples, after: Samples): Samples {
  const grown: Samples = new Map()
  for (const [series, value] of after) grown.set(series, value - (before.get(series) ?? 0))
  return grown
}

/** Sum of every series of `name` whose labels contain all of `labels` (e.g. `stage="store"`). */
export function total(samples: Samples, name: string, ...labels: string[]): number {
  let sum = 0
  for (const [series, value] of samples) {
    const brace = series.indexOf('{')
    const seriesName = brace < 0 ? series : series.slice(0, brace)
    if (seriesName !== name) continue
    if (labels.every((label) => series.includes(label))) sum += value
  }
  return sum
}

/** Mean of a histogram over the window, in milliseconds (its unit is seconds); NaN when nothing was observed. */
export function meanMs(grown: Samples, histogram: string, ...labels: string[]): number {
  const count = total(grown, `${histogram}_count`, ...labels)
  return count > 0 ? (1000 * total(grown, `${histogram}_sum`, ...labels)) / count : Number.NaN
}
