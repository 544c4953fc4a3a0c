/** Counts requests in flight, so a shutdown can wait until none is left. */
export class ActiveRequests {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Counts a request until `done` settles. */
  track(done: Promise<unknown>): void {
    this.count += 1;
    const finish = () => {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    done.then(finish, finish);
  }

  /** How many requests are in flight. */
  get size(): number {
    return this.count;
  }

  /** Settles once no request is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
