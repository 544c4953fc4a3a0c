/** Options of `withinTime`. */
export interface WithinTimeOptions {
  /** Let the process exit while only this timer is left; default false. */
  unref?: boolean;
}

/**
 * `work`'s value, or `onTimeout()`'s when `work` has not settled within `millis` (a throw in
 * `onTimeout` rejects). The one place a promise races a timer: the timer is always cleared, and
 * `work`'s rejection passes through unchanged.
 */
export async function withinTime<T, F>(
  work: Promise<T>,
  millis: number,
  onTimeout: () => F,
  options: WithinTimeOptions = {},
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<F>((resolve, reject) => {
    timer = setTimeout(
      () => {
        try {
          resolve(onTimeout());
        } catch (error) {
          reject(error as Error);
        }
      },
      Math.max(0, millis),
    );
    if (options.unref) timer.unref();
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
