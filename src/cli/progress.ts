/** Where progress goes: a stream that may be a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** A progress bar; `tick` as work is done, `done` to clear it. */
export interface Progress {
  tick(count?: number): void;
  done(): void;
}

/** Options of `createProgress`. */
export interface ProgressOptions {
  /** Shortest time between two redraws; default 100. */
  redrawMillis?: number;
  /** The clock, for tests; default `Date.now`. */
  now?: () => number;
}

const BAR = 24;

/**
 * A one-line bar redrawn in place on `stream` when it is a terminal (`label [####----] 40% 4/10`);
 * on anything else it writes nothing, so logs and pipes get only the command's final line.
 */
export function createProgress(
  stream: ProgressStream,
  total: number,
  label: string,
  options: ProgressOptions = {},
): Progress {
  if (!stream.isTTY) return { tick: () => {}, done: () => {} };
  const now = options.now ?? Date.now;
  const every = options.redrawMillis ?? 100;
  let count = 0;
  let drawnAt = -Infinity;
  const draw = () => {
    drawnAt = now();
    const share = total > 0 ? Math.min(1, count / total) : 1;
    const filled = Math.round(share * BAR);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${Math.floor(share * 100)}% ${count}/${total}`;
    stream.write(`\r\x1b[2K${line}`);
  };
  draw();
  return {
    tick: (n = 1) => {
      count += n;
      if (now() - drawnAt >= every || count >= total) draw();
    },
    done: () => stream.write('\r\x1b[2K'),
  };
}
