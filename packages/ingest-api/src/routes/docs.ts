/**
 * A self-contained API reference page: it renders /openapi.json with a few lines of script, so it
 * works offline and loads nothing from a CDN.
 */
export function apiDocsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Anansi Watchdog API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .3em}
.op{border:1px solid #ddd;border-radius:6px;margin:.8rem 0;padding:.6rem 1rem}.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}</style></head>
<body><h1>Anansi Watchdog API</h1><p>OpenAPI document: <a href="${specUrl}"><code>${specUrl}</code></a></p><div id="ops">Loading…</div>
<script type="module">
const spec = await (await fetch(${JSON.stringify(specUrl)})).json()
const ops = document.getElementById('ops'); ops.textContent = ''
for (const [path, methods] of Object.entries(spec.paths)) for (const [method, op] of Object.entries(methods)) {
  const div = document.createElement('div'); div.className = 'op'
  const codes = Object.entries(op.responses ?? {}).map(([code, r]) => code + ' ' + (r.description ?? '')).join(' · ')
  div.innerHTML = '<span class="m"></span><code></code><p></p><small></small>'
  div.querySelector('.m').textContent = method; div.querySelector('code').textContent = path
  div.querySelector('p').textContent = op.summary ?? ''; div.querySelector('small').textContent = codes
  ops.append(div)
}
</script></body></html>`
}
