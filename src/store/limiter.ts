/** Runs at most `limit` tasks at once; the rest wait in call order. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** `task`'s own promise when a slot is free (no wrapper: it is on every record's path). */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) return this.start(task);
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.start(task));
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    this.running += 1;
    const release = (): void => {
      this.running -= 1;
      this.waiting.shift()?.();
    };
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      release();
      return Promise.reject(error as Error);
    }
    promise.then(release, release);
    return promise;
  }
}

/**
 * Calls `task` for each of `items`, at most `limit` at once, in order: only `limit` calls are
 * pending at any time (a `Limiter` over all items would hold a waiting call for each).
 */
export async function forEachLimited<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await task(next.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}
