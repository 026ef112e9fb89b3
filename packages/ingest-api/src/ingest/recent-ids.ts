/**
 * Ids this replica accepted recently, per project, so a quick client retry is answered
 * `duplicate` before the processor has stored the first copy. Bounded; least recently seen first out.
 */
export class RecentIds {
  private readonly ids = new Map<string, true>()

  constructor(private readonly capacity = 200_000) {}

  /** Whether the id was seen for this project. */
  has(projectId: string, id: string): boolean {
    return this.ids.has(`${projectId}/${id.toLowerCase()}`)
  }

  /** Remembers ids as accepted. */
  add(projectId: string, ids: readonly string[]): void {
    for (const id of ids) {
      const key = `${projectId}/${id.toLowerCase()}`
      this.ids.delete(key)
      this.ids.set(key, true)
    }
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value ?? '')
  }
}
