import { jaegerUiAnswers } from './reachability.js';

/** What the web view learns about the trace viewer: `GET /api/trace-viewer`. */
export interface TraceViewer {
  /** Jaeger's UI base URL; null: trace links are off (`JAEGER_UI_URL` empty). */
  jaeger_ui_url: string | null;
  /** True when Jaeger's UI answered (not a placeholder page) at the last check. */
  available: boolean;
}

/** Options of `JaegerUiStatus`. */
export interface JaegerUiStatusOptions {
  /** Jaeger's UI base URL; null: never available. */
  url: string | null;
  /** The check; default `jaegerUiAnswers` (1 s time limit). */
  check?: (url: string) => Promise<boolean>;
  /** How long one answer is reused; default 30,000 ms. */
  cacheMillis?: number;
  /** Clock; default `Date.now`. */
  now?: () => number;
}

/** Whether Jaeger's UI answers, checked server-side and cached, so the web view never probes it. */
export class JaegerUiStatus {
  private last: { at: number; answer: Promise<boolean> } | null = null;

  constructor(private readonly options: JaegerUiStatusOptions) {}

  async current(): Promise<TraceViewer> {
    const { url } = this.options;
    if (!url) return { jaeger_ui_url: null, available: false };
    const now = (this.options.now ?? Date.now)();
    if (!this.last || now - this.last.at >= (this.options.cacheMillis ?? 30_000)) {
      const check = this.options.check ?? ((u: string) => jaegerUiAnswers(u));
      this.last = { at: now, answer: check(url).catch(() => false) };
    }
    return { jaeger_ui_url: url, available: await this.last.answer };
  }
}
