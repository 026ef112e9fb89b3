import { describe } from 'vitest'
import { startEmbedded } from './fixtures/deployments.js'
import { safetyScenario } from './scenario.js'

describe('end to end, embedded: one process on PGlite and the embedded log (anansi dev)', () => {
  safetyScenario(startEmbedded)
})
