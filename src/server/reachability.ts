/** True when `url` answers over HTTP within `timeoutMillis` (any status: something listens). */
export async function httpAnswers(url: string, timeoutMillis = 1_000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMillis) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** Words of the page a Jaeger binary built without its UI assets serves instead of the UI. */
const PLACEHOLDER = /placeholder for the Jaeger UI|not compiled with the UI assets/i;

/**
 * True when `base` serves Jaeger's UI: a 200 HTML page that is not the placeholder a Jaeger
 * binary built without the UI assets serves.
 */
export async function jaegerUiAnswers(base: string, timeoutMillis = 1_000): Promise<boolean> {
  try {
    const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(timeoutMillis) });
    const text = res.ok ? await res.text() : (await res.body?.cancel(), '');
    return res.ok && /jaeger/i.test(text) && !PLACEHOLDER.test(text);
  } catch {
    return false;
  }
}
