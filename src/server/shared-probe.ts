/**
 * A probe run at most once per `intervalMillis`: callers within the interval share the last
 * run's outcome (a rejection too), and concurrent callers share one run. Bounds the writes an
 * anonymous `/health` caller can cause to one probe per interval.
 */
export function sharedProbe(
  probe: () => Promise<void> | undefined,
  intervalMillis: number,
  now: () => number = Date.now,
): () => Promise<void> {
  let last: { at: number; outcome: Promise<void> } | undefined;
  return () => {
    if (last && now() - last.at < intervalMillis) return last.outcome;
    const outcome = Promise.resolve().then(probe);
    outcome.catch(() => {}); // read by every caller; never an unhandled rejection
    last = { at: now(), outcome };
    return outcome;
  };
}
