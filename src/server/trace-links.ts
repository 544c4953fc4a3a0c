/** Builds links to traces in Jaeger's UI at `base`; none when there is no base. */
export function traceLinks(base: string | null | undefined): (traceId: string) => string | null {
  return (traceId) => (base ? `${base}/trace/${traceId}` : null);
}
