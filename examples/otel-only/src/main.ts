/**
 * Asks one question and exports its span to Anansi, then prints what it did as one JSON line.
 * Environment: ANANSI_ENDPOINT (default http://127.0.0.1:8787), ANANSI_API_KEY (ingest scope),
 * OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, QUESTION.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api'
import OpenAI from 'openai'
import { runOtelApp } from './otel-app.js'

// Without a logger OpenTelemetry drops export failures (a wrong key, a stopped server) silently.
diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN)
const env = process.env
const apiKey = env.ANANSI_API_KEY
if (apiKey === undefined || apiKey === '') {
  console.error('set ANANSI_API_KEY to an ingest key (anansi dev prints one at its first start)')
  process.exit(2)
}
const result = await runOtelApp({
  anansiEndpoint: env.ANANSI_ENDPOINT ?? 'http://127.0.0.1:8787',
  anansiApiKey: apiKey,
  openai: new OpenAI({ apiKey: env.OPENAI_API_KEY ?? 'sk-none', baseURL: env.OPENAI_BASE_URL }),
  model: env.OPENAI_MODEL ?? 'gpt-4o-mini',
  question: env.QUESTION ?? 'What is the capital of France?',
})
console.log(JSON.stringify(result))
