/** Something with a (possibly estimated) size in bytes. */
export interface Sized {
  bytes: number
}

/**
 * A FIFO bounded by count and bytes. When either bound is passed the OLDEST entries are evicted
 * (newer calls are worth more to a monitor than old ones) and handed to `onEvict` for counting.
 */
export class BoundedQueue<T extends Sized> {
  private items: (T | undefined)[] = []
  private head = 0
  private totalBytes = 0

  constructor(
    private readonly maxItems: number,
    private readonly maxBytes: number,
    private readonly onEvict: (evicted: T[]) => void,
  ) {}

  /** Number of entries waiting. */
  get length(): number {
    return this.items.length - this.head
  }

  /** Bytes of the entries waiting. */
  get bytes(): number {
    return this.totalBytes
  }

  /** Appends one entry, evicting the oldest while a bound is passed. */
  push(item: T): void {
    this.items.push(item)
    this.totalBytes += item.bytes
    this.enforce()
  }

  /** Puts entries back at the front (a failed batch to retry), then enforces the bounds. */
  requeue(front: readonly T[]): void {
    if (front.length === 0) return
    this.items = [...front, ...this.items.slice(this.head)]
    this.head = 0
    for (const item of front) this.totalBytes += item.bytes
    this.enforce()
  }

  /** The oldest entry without removing it. */
  peek(): T | undefined {
    return this.items[this.head]
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined // let it be collected before the array is compacted
    this.head += 1
    if (item) this.totalBytes -= item.bytes
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /** Removes every entry. */
  drain(): T[] {
    const all = this.items.slice(this.head).filter((item): item is T => item !== undefined)
    this.items = []
    this.head = 0
    this.totalBytes = 0
    return all
  }

  private enforce(): void {
    if (this.length <= this.maxItems && this.totalBytes <= this.maxBytes) return
    const evicted: T[] = []
    while (this.length > 0 && (this.length > this.maxItems || this.totalBytes > this.maxBytes)) {
      const item = this.shift()
      if (item) evicted.push(item)
    }
    this.onEvict(evicted)
  }
}
