/** Per-project listeners: who wants to hear about a project's items in this replica. */
export class ProjectSubscribers<T> {
  private readonly byProject = new Map<string, Set<(item: T) => void>>()

  /** Calls every listener of the project with `item`. */
  notify(projectId: string, item: T): void {
    for (const listener of this.byProject.get(projectId) ?? []) listener(item)
  }

  /** Whether the project has a listener now. */
  has(projectId: string): boolean {
    return this.byProject.has(projectId)
  }

  /** Adds a listener until the returned function is called. */
  subscribe(projectId: string, listener: (item: T) => void): () => void {
    const set = this.byProject.get(projectId) ?? new Set<(item: T) => void>()
    set.add(listener)
    this.byProject.set(projectId, set)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.byProject.delete(projectId)
    }
  }
}
