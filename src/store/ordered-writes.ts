/**
 * Ordered per-run writes: tasks of one key run one after another in call order (a failed one
 * does not stop the next), tasks of different keys run side by side. The one home of this rule
 * for the stores (records and annotations).
 */
export class OrderedWrites {
  private readonly pending = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key`; settles as it does. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.pending.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(task);
    this.pending.set(key, next);
    try {
      return await next;
    } finally {
      if (this.pending.get(key) === next) this.pending.delete(key);
    }
  }

  /** Settles once the tasks of `key` under way have (never rejects). */
  async settled(key: string): Promise<void> {
    await (this.pending.get(key) ?? Promise.resolve()).catch(() => {});
  }

  /** Settles once every task under way has (never rejects). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
  }
}
