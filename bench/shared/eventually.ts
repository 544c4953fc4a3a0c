/** Options of `eventually`. */
export interface EventuallyOptions {
  /** How long to keep trying; default 10,000 ms. */
  timeoutMillis?: number;
  /** Pause between tries; default 20 ms. */
  intervalMillis?: number;
  /** What is awaited, for the error at the deadline; default `a condition`. */
  what?: string;
}

/**
 * Tries `check` until it neither throws nor returns `false`, and resolves with what it returned;
 * past the deadline rejects with its last error (or says what was still false). The one polling
 * loop of the tests and benchmarks: a condition, a deadline, never a fixed sleep before an assert.
 * NOTE: it waits on real timers; with fake timers, advance them instead.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<Exclude<T, false>> {
  const timeout = options.timeoutMillis ?? 10_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    let failure: unknown;
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
      failure = new Error(`${options.what ?? 'a condition'} still false after ${timeout} ms`);
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= deadline) throw failure;
    await new Promise((r) => setTimeout(r, options.intervalMillis ?? 20));
  }
}
