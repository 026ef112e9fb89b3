import { EventsDroppedError, type AnansiError } from '../errors.js'
import type { DropInfo, DropReason } from '../options.js'
import type { DebugLogger } from './debug-logger.js'

/** Drop totals for `stats()`. */
export interface DropCounters {
  total: number
  byReason: Partial<Record<DropReason, number>>
}

/**
 * The one place background failures and drops go: the debug logger always, the user's hooks when
 * given (a throwing hook is logged, never propagated), and `console.warn` once per kind when not.
 */
export class Reporter {
  readonly drops: DropCounters = { total: 0, byReason: {} }
  private readonly warned = new Set<string>()

  constructor(
    private readonly onErrorHook: ((error: AnansiError) => void) | undefined,
    private readonly onDropHook: ((info: DropInfo) => void) | undefined,
    private readonly debug: DebugLogger,
  ) {}

  /** Reports a background failure. */
  error(error: AnansiError): void {
    this.debug(`${error.code}: ${error.message}`, error.cause)
    if (this.onErrorHook === undefined) {
      this.warnOnce(error.code, `[anansi] ${error.message} (pass onError to handle SDK errors)`)
      return
    }
    try {
      this.onErrorHook(error)
    } catch (hookError) {
      this.debug('the onError hook threw', hookError)
    }
  }

  /** Counts dropped events; the first drop of each kind is also reported as an error. */
  drop(reason: DropReason, count: number, cause?: AnansiError): void {
    if (count <= 0) return
    this.drops.total += count
    this.drops.byReason[reason] = (this.drops.byReason[reason] ?? 0) + count
    this.debug(`dropped ${count} event(s): ${reason}`)
    if (!this.warned.has(`drop:${reason}`) && reason !== 'disabled') {
      this.warned.add(`drop:${reason}`)
      this.error(new EventsDroppedError(reason, count, cause))
    }
    if (this.onDropHook === undefined) return
    try {
      this.onDropHook({ reason, count, totalDropped: this.drops.total })
    } catch (hookError) {
      this.debug('the onDrop hook threw', hookError)
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return
    this.warned.add(key)
    console.warn(message)
  }
}
