import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs'
import { join, sep } from 'node:path'

/** A process that has the embedded database open (pid unknown where /proc cannot tell). */
export interface DatabaseHolder {
  pid?: number
}

// ControlFileData starts with system_identifier (8 bytes), pg_control_version and
// catalog_version_no (4 each); the cluster state follows. DB_IN_PRODUCTION means "open".
const STATE_OFFSET = 16
const DB_IN_PRODUCTION = 6

function clusterState(databaseDir: string): number | undefined {
  try {
    return readFileSync(join(databaseDir, 'global', 'pg_control')).readUInt32LE(STATE_OFFSET)
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined
    throw error
  }
}

function openFilesOf(pid: string): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        return '' // the descriptor closed while we looked
      }
    })
  } catch {
    return [] // another user's process, or it exited while we looked
  }
}

/** Processes (this one included) with a file under `dir` open; undefined where there is no /proc. */
function processesWithOpenFilesUnder(dir: string): number[] | undefined {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`
  return pids.filter((pid) => openFilesOf(pid).some((path) => path.startsWith(prefix))).map(Number)
}

/**
 * Tells whether an embedded (PGlite) database directory is open in some process, typically a
 * running `anansi dev`. PGlite takes no lock, and two processes writing one data directory
 * corrupt it, so commands must check first. A cluster that was shut down cleanly is closed; one
 * left "in production" is open unless /proc shows nobody holding its files (then the last
 * process crashed and PGlite recovers it at the next open). Without /proc (macOS) an
 * in-production cluster counts as open.
 */
export function embeddedDatabaseHolder(databaseDir: string): DatabaseHolder | undefined {
  if (clusterState(databaseDir) !== DB_IN_PRODUCTION) return undefined
  const holders = processesWithOpenFilesUnder(realpathSync(databaseDir))
  if (holders === undefined) return {}
  const [pid] = holders
  return pid === undefined ? undefined : { pid }
}
