import { mkdirSync } from 'node:fs'
import { openStore } from '@anansi/store'
import { readEmbeddedConfig } from '../config.js'
import { ensureDefaultProject } from '../default-project.js'

/** Output sink, so tests can capture what a user would read. */
export type Print = (line: string) => void

/**
 * `anansi dev`: the platform on the embedded default. Today that is the database (PGlite on disk,
 * migrated) and the default project with its dev key; it says plainly which parts are not built yet.
 */
export async function runDev(print: Print, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = readEmbeddedConfig(env)
  mkdirSync(config.databaseDir, { recursive: true })
  const store = await openStore({ driver: 'pglite', dataDir: config.databaseDir })
  try {
    const project = await ensureDefaultProject(store)
    print(`database      ready: PGlite at ${config.databaseDir} (migrations applied)`)
    print(`project       default (${project.projectId})`)
    if (project.createdKey !== undefined) {
      print(`api key       ${project.createdKey}`)
      print('              shown once: save it now (ANANSI_API_KEY); only its hash is stored')
    } else {
      print('api key       created at first start; the key is not stored and cannot be shown again')
    }
    print('ingest API    not built yet (issue: ingestion API) - nothing is listening')
    print('processor     not built yet (issue: stream processor)')
    return 0
  } finally {
    await store.close()
  }
}
