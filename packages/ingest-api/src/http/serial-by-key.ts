/**
 * Runs tasks one at a time per key (e.g. per project), in arrival order; different keys never wait
 * on each other. Only serialises within this process.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `task` after every task already queued for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }

  /** Keys with queued or running tasks (for tests: the map must not grow without bound). */
  get busy(): number {
    return this.tails.size
  }
}
