/** A place in the `RunQueue`: `granted` settles when the run may go; `release` frees it. */
export interface RunTicket {
  /** Resolves when the run may start its stages (at once when a slot was free). */
  granted: Promise<void>;
  /** True when the run had to wait for a slot. */
  queued: boolean;
  /** Frees the slot (or the place in the queue); a second call is harmless. */
  release(): void;
}

/**
 * Bounds concurrent runs: `maxRunning` go at once, up to `maxQueued` wait in order, and `enter`
 * refuses (null) beyond that, so a flood of requests never puts more than `maxRunning` runs on
 * the backends.
 */
export class RunQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private refusedCount = 0;

  constructor(
    readonly maxRunning: number,
    readonly maxQueued: number,
  ) {}

  /** A ticket for one run, or null when every slot and every queue place is taken. */
  enter(): RunTicket | null {
    if (this.running < this.maxRunning) {
      this.running += 1;
      return this.ticket(Promise.resolve(), false, () => true);
    }
    if (this.waiting.length >= this.maxQueued) {
      this.refusedCount += 1;
      return null;
    }
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    this.waiting.push(grant);
    // Released while still waiting: it leaves the queue and frees no slot.
    return this.ticket(granted, true, () => {
      const at = this.waiting.indexOf(grant);
      if (at < 0) return true;
      this.waiting.splice(at, 1);
      return false;
    });
  }

  /** `hadSlot` says, on release, whether the ticket holds a slot (else it only left the queue). */
  private ticket(granted: Promise<void>, queued: boolean, hadSlot: () => boolean): RunTicket {
    let released = false;
    return {
      granted,
      queued,
      release: () => {
        if (released) return;
        released = true;
        if (!hadSlot()) return;
        const next = this.waiting.shift();
        if (next)
          next(); // the slot passes on
        else this.running -= 1;
      },
    };
  }

  /** Runs going, runs waiting, and requests refused so far. */
  stats(): { running: number; queued: number; refused: number } {
    return { running: this.running, queued: this.waiting.length, refused: this.refusedCount };
  }
}
