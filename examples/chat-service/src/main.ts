/**
 * Runs the chat service. Environment: ANANSI_API_KEY, ANANSI_ENDPOINT (read by the SDK),
 * OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, GATE_MODE (block | fallback), GATE_TIMEOUT_MS, PORT.
 */
import { serve } from '@hono/node-server'
import { Monitor } from '@anansi/sdk'
import OpenAI from 'openai'
import { createChatService, type GateMode } from './chat-service.js'

const env = process.env
const gateMode: GateMode = env.GATE_MODE === 'fallback' ? 'fallback' : 'block'
const monitor = new Monitor() // ANANSI_API_KEY and ANANSI_ENDPOINT come from the environment
const app = createChatService({
  monitor,
  openai: new OpenAI({ apiKey: env.OPENAI_API_KEY ?? 'sk-none', baseURL: env.OPENAI_BASE_URL }),
  model: env.OPENAI_MODEL ?? 'gpt-4o-mini',
  gateMode,
  gateTimeoutMs: Number(env.GATE_TIMEOUT_MS ?? 2_000),
})
const port = Number(env.PORT ?? 3000)
const server = serve({ fetch: app.fetch, port }, () => {
  console.log(`chat service on http://localhost:${port} (gate: ${gateMode})`)
  console.log(
    `try: curl -s localhost:${port}/chat -H 'content-type: application/json' -d '{"message":"Hi"}'`,
  )
})
process.once('SIGINT', () => {
  server.close()
  // Send what is still queued before the process ends.
  void monitor.shutdown().then(() => process.exit(0))
})
