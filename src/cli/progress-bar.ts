/** Options of `progressBar`. */
export interface ProgressBarOptions {
  /** Characters of the bar; default 30. */
  width?: number;
  /** Least time between two redraws; default 100 ms. */
  intervalMillis?: number;
  /** Clock; default `Date.now`. */
  now?: () => number;
}

/**
 * A progress bar on a terminal stream: redrawn in place (`\r`) on a TTY, at most every
 * `intervalMillis`; on anything else one line per 10 %. `done()` draws the final state.
 */
export function progressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  options: ProgressBarOptions = {},
) {
  const width = options.width ?? 30;
  const interval = options.intervalMillis ?? 100;
  const now = options.now ?? Date.now;
  let last = Number.NEGATIVE_INFINITY;
  let lastDecile = -1;
  const render = (done: number, total: number): string => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const pct = String(Math.floor(ratio * 100)).padStart(3);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
  };
  return {
    update(done: number, total: number): void {
      if (stream.isTTY) {
        const t = now();
        if (t - last < interval && done < total) return;
        last = t;
        stream.write(`\r${render(done, total)}`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${render(done, total)}\n`);
    },
    done(done: number, total: number): void {
      if (stream.isTTY) stream.write(`\r${render(done, total)}\n`);
      else if (lastDecile !== 10) stream.write(`${render(done, total)}\n`);
    },
  };
}
