/**
 * Serves the handler locally the way a serverless platform would call it. Environment:
 * ANANSI_API_KEY, ANANSI_ENDPOINT (read by the SDK), OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL,
 * PORT.
 */
import { serve } from '@hono/node-server'
import { Monitor } from '@anansi/sdk'
import OpenAI from 'openai'
import { createHandler } from './handler.js'

const env = process.env
const handler = createHandler({
  monitor: new Monitor(),
  openai: new OpenAI({ apiKey: env.OPENAI_API_KEY ?? 'sk-none', baseURL: env.OPENAI_BASE_URL }),
  model: env.OPENAI_MODEL ?? 'gpt-4o-mini',
})
const port = Number(env.PORT ?? 3001)
serve({ fetch: handler, port }, () => {
  console.log(`serverless handler on http://localhost:${port}`)
  console.log(
    `try: curl -s localhost:${port} -H 'content-type: application/json' -d '{"question":"Hi"}'`,
  )
})
