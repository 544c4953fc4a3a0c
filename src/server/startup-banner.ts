/** What the start-up banner tells a person at a terminal. */
export interface BannerFacts {
  /** The web view, e.g. `http://127.0.0.1:17801/`. */
  webUrl: string;
  /** Where records go: the file store's directory, or PostgreSQL (URL without its password). */
  records: { kind: 'directory'; path: string } | { kind: 'database'; url: string };
  mediaDir: string;
  /** The OTLP endpoint and whether it answered at start; null: traces off. */
  collector: { url: string; answers: boolean; required: boolean } | null;
  /** Jaeger's UI and whether it answered at start; null: no trace links. */
  jaeger: { url: string; answers: boolean } | null;
}

/** A PostgreSQL URL without its password, for showing. */
export function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The banner (plain text, a few lines) printed when stdout is a terminal. */
export function startupBanner(f: BannerFacts): string {
  const collector = !f.collector
    ? 'off (OTEL_TRACES_EXPORTER=none)'
    : f.collector.answers
      ? `${f.collector.url} (answers)`
      : `${f.collector.url} does not answer: ${
          f.collector.required
            ? 'traces are held and retried; /health says degraded'
            : 'fine without one; traces are not shipped (see docs/jaeger-local.md)'
        }`;
  const jaeger = !f.jaeger
    ? 'no trace links (JAEGER_UI_URL is empty)'
    : f.jaeger.answers
      ? `${f.jaeger.url}`
      : `${f.jaeger.url} does not answer (run pages show their own timing chart)`;
  const rows: [string, string][] = [
    ['web view', f.webUrl],
    [
      'records',
      f.records.kind === 'directory'
        ? `${f.records.path} (one JSON file per run)`
        : `PostgreSQL ${f.records.url}`,
    ],
    ['media', f.mediaDir],
    ['collector', collector],
    ['Jaeger UI', jaeger],
  ];
  return [
    'execution-history is running',
    ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(12)}${v}`),
    '  stop with Ctrl-C; JSON logs follow',
    '',
  ].join('\n');
}
