import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, fromPglite } from '../src/index.js'
import { defineBusContract } from './bus-contract.js'
import { defineEmbeddedLogContract } from './embedded-contract.js'
import { recordingLogger } from './helpers.js'

// One in-memory PGlite for the file (a fresh one takes seconds); tests use their own topics.
const pglite = PGlite.create()
const consumer = { sessionTimeoutMs: 1_500, heartbeatIntervalMs: 100 }
const open = async () =>
  createEmbeddedBus({
    client: fromPglite(await pglite),
    logger: recordingLogger(),
    pollIntervalMs: 50,
  })

defineBusContract('embedded on PGlite (in memory)', { open, consumer })
defineEmbeddedLogContract('PGlite', { client: async () => fromPglite(await pglite), consumer })
