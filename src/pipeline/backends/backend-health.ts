import { performance } from 'node:perf_hooks';
import type { OutputConfig } from '../catalog-schemas.js';
import type { Backends, ExecutionMode } from './backend-registry.js';
import { failureCode, type FailureCode } from './backend-error-code.js';
import { BackendError, type LlmBackend } from './llm-backend.js';
import type { MediaBackend } from './media-backend.js';

/** A failed backend call as logged: never prompt text, never the backend's answer. */
export interface BackendFailure {
  backend: string;
  kind: 'llm' | 'media';
  stage: number | null;
  operation: string;
  code: FailureCode;
  http_status?: number;
  elapsed_ms: number;
}

/** What `/health` shows of one backend. */
export interface BackendHealthEntry {
  /** `failing` when the last call failed; `unused` before the first call. */
  state: 'ok' | 'failing' | 'unused';
  calls: number;
  failures: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error_code: FailureCode | null;
}

/** `/health`'s view of the backends: language models and media generators, by type. */
export interface BackendHealthReport {
  llm: Record<string, BackendHealthEntry>;
  media: Record<string, BackendHealthEntry>;
}

/** Options of `BackendHealth`. */
export interface BackendHealthOptions {
  /** Told of each failed call (the server logs it). */
  onFailure?: (failure: BackendFailure) => void;
}

/**
 * Watches the backends' calls: wraps `Backends` so each call's success or failure is counted per
 * backend, failures reported to `onFailure`, and `report()` tells `/health`. Errors pass unchanged.
 */
export class BackendHealth {
  private readonly entries = new Map<string, BackendHealthEntry>();
  private readonly wrapped = new WeakMap<object, LlmBackend | MediaBackend>();

  constructor(private readonly options: BackendHealthOptions = {}) {}

  /** `backends` with every call watched. */
  wrap(backends: Backends): Backends {
    for (const mode of ['eco', 'fast'] as const) this.entry(backends.llm(mode).type, 'llm');
    return {
      llm: (mode: ExecutionMode) => this.wrapLlm(backends.llm(mode)),
      media: (mode: ExecutionMode, output: OutputConfig) =>
        this.wrapMedia(backends.media(mode, output)),
      safetyModel: backends.safetyModel,
      safetyTimeoutMillis: backends.safetyTimeoutMillis,
    };
  }

  /** Each backend seen so far, by kind and type. */
  report(): BackendHealthReport {
    const report: BackendHealthReport = { llm: {}, media: {} };
    for (const [key, entry] of this.entries) {
      const [kind, type] = key.split('/', 2) as ['llm' | 'media', string];
      report[kind][type] = { ...entry };
    }
    return report;
  }

  /** True when the last call of some backend failed. */
  failing(): boolean {
    return [...this.entries.values()].some((e) => e.state === 'failing');
  }

  private wrapLlm(backend: LlmBackend): LlmBackend {
    let w = this.wrapped.get(backend) as LlmBackend | undefined;
    if (!w) {
      this.entry(backend.type, 'llm');
      w = {
        type: backend.type,
        provider: backend.provider,
        defaultModel: backend.defaultModel,
        chat: (request, signal) =>
          this.watch(backend.type, 'llm', request.stage ?? null, request.purpose, () =>
            backend.chat(request, signal),
          ),
      };
      this.wrapped.set(backend, w);
    }
    return w;
  }

  private wrapMedia(backend: MediaBackend): MediaBackend {
    let w = this.wrapped.get(backend) as MediaBackend | undefined;
    if (!w) {
      this.entry(backend.type, 'media');
      w = {
        type: backend.type,
        provider: backend.provider,
        generate: (request, signal) =>
          this.watch(backend.type, 'media', 4, 'generate', () => backend.generate(request, signal)),
      };
      this.wrapped.set(backend, w);
    }
    return w;
  }

  private async watch<T>(
    backend: string,
    kind: 'llm' | 'media',
    stage: number | null,
    operation: string,
    call: () => Promise<T>,
  ): Promise<T> {
    const entry = this.entry(backend, kind);
    const started = performance.now();
    entry.calls += 1;
    try {
      const value = await call();
      entry.state = 'ok';
      entry.last_success_at = new Date().toISOString();
      return value;
    } catch (error) {
      const code = failureCode(error);
      entry.state = 'failing';
      entry.failures += 1;
      entry.last_failure_at = new Date().toISOString();
      entry.last_error_code = code;
      try {
        this.options.onFailure?.({
          backend,
          kind,
          stage,
          operation,
          code,
          ...(error instanceof BackendError && error.httpStatus !== undefined
            ? { http_status: error.httpStatus }
            : {}),
          elapsed_ms: Math.round(performance.now() - started),
        });
      } catch {
        // A failing log sink never changes the call's outcome.
      }
      throw error;
    }
  }

  private entry(backend: string, kind: 'llm' | 'media'): BackendHealthEntry {
    const key = `${kind}/${backend}`;
    let e = this.entries.get(key);
    if (!e) {
      e = {
        state: 'unused',
        calls: 0,
        failures: 0,
        last_success_at: null,
        last_failure_at: null,
        last_error_code: null,
      };
      this.entries.set(key, e);
    }
    return e;
  }
}
