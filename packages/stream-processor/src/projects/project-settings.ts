import { DEFAULT_POLICY, verdictPolicySchema, type VerdictPolicy } from '@anansi/evaluator'
import type { AlertRule } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { ProcessorError } from '../errors.js'

/** What the pipeline needs to know about a project to decide its events. */
export interface ProjectSettings {
  policy: VerdictPolicy
  rules: AlertRule[]
}

interface Cached {
  settings: ProjectSettings | undefined
  loadedAt: number
}

/**
 * Projects' verdict policies and alert rules, re-read from the store at most every `ttlMs`, so a
 * rule created through the API takes effect within seconds without a query per event.
 */
export class ProjectSettingsCache {
  private readonly cache = new Map<string, Cached>()
  /** The broken policy last reported per project: each one is reported once, not per reload. */
  private readonly reportedInvalid = new Map<string, string>()

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly report: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The project's settings; `undefined` when the project does not exist (its events are dead letters). */
  async get(projectId: string): Promise<ProjectSettings | undefined> {
    const cached = this.cache.get(projectId)
    if (cached !== undefined && this.now() - cached.loadedAt < this.ttlMs) return cached.settings
    const settings = await this.load(projectId)
    this.cache.set(projectId, { settings, loadedAt: this.now() })
    return settings
  }

  private async load(projectId: string): Promise<ProjectSettings | undefined> {
    const project = await this.store.getProject(projectId)
    if (project === undefined) return undefined
    const rules = await this.store.forProject(projectId).listAlertRules()
    const configured = project.settings.policy
    if (configured === undefined) return { policy: DEFAULT_POLICY, rules }
    const parsed = verdictPolicySchema.safeParse(configured)
    if (!parsed.success) {
      // A broken policy must not stop the project's events; the default is the safe choice.
      const written = JSON.stringify(configured)
      if (this.reportedInvalid.get(projectId) !== written) {
        this.reportedInvalid.set(projectId, written)
        this.report(
          new ProcessorError(
            'invalid_policy',
            `project ${projectId} has an invalid verdict policy, using the default: ${parsed.error.message}`,
          ),
        )
      }
      return { policy: DEFAULT_POLICY, rules }
    }
    this.reportedInvalid.delete(projectId)
    return { policy: parsed.data, rules }
  }
}
