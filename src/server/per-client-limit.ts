/**
 * Counts what each client (by key, e.g. the remote address) holds, up to `max` each: `acquire`
 * returns a release function, or null when that client is at its limit.
 */
export class PerClientLimit {
  private readonly held = new Map<string, number>();
  private refusedCount = 0;

  constructor(readonly max: number) {}

  /** Takes one for `client`; the returned function gives it back (a second call is harmless). */
  acquire(client: string): (() => void) | null {
    const count = this.held.get(client) ?? 0;
    if (count >= this.max) {
      this.refusedCount += 1;
      return null;
    }
    this.held.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(client) ?? 1) - 1;
      if (left > 0) this.held.set(client, left);
      else this.held.delete(client);
    };
  }

  /** What is held in total, by how many clients, and how many were refused so far. */
  stats(): { held: number; clients: number; refused: number } {
    let held = 0;
    for (const n of this.held.values()) held += n;
    return { held, clients: this.held.size, refused: this.refusedCount };
  }
}
