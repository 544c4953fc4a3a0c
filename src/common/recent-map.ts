/**
 * A map that keeps the newest `capacity` entries: setting a key makes it the newest (a key set
 * again moves up), and past `capacity` the oldest go. Reads never reorder. Iterates oldest first.
 */
export class RecentMap<K, V> implements Iterable<[K, V]> {
  private readonly map = new Map<K, V>();

  /** `capacity`: entries kept at most (0 keeps none, `Infinity` all); a RangeError otherwise. */
  constructor(readonly capacity: number) {
    if (!(capacity >= 0)) throw new RangeError(`capacity must be 0 or more, got ${capacity}`);
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Sets `key` as the newest entry, then drops the oldest ones past the capacity. */
  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
    return this;
  }

  /** Replaces the value of a key held, keeping its place; false (nothing set) when not held. */
  replace(key: K, value: V): boolean {
    if (!this.map.has(key)) return false;
    this.map.set(key, value);
    return true;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  /** The entries, oldest first; deleting while iterating is safe. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}
