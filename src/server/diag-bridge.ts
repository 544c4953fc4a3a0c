import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { redactUrlsIn } from '../telemetry/otlp/redact-url.js';

/** Codes of a collector that is not there (or not reachable): a warning, not an error. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** What one `diag` call becomes in the log: level, fields (never a stack trace), message. */
export interface DiagEntry {
  level: 'error' | 'warn';
  fields: Record<string, unknown>;
  msg: string;
}

/** The error in a `diag` call: an Error argument, or one the SDK passed as JSON text. */
function errorIn(text: string, args: unknown[]): { code?: string; message: string } | null {
  const err = args.find((a): a is NodeJS.ErrnoException => a instanceof Error);
  if (err) return { message: err.message, ...(err.code ? { code: err.code } : {}) };
  const json = text.indexOf('{');
  if (json < 0) return null;
  try {
    const parsed = JSON.parse(text.slice(json)) as { message?: unknown; code?: unknown };
    if (typeof parsed.message !== 'string') return null;
    return {
      message: parsed.message,
      ...(typeof parsed.code === 'string' ? { code: parsed.code } : {}),
    };
  } catch {
    return null;
  }
}

/** Turns one `diag` call into a log entry: no stack; an unreachable collector is a warning. */
export function diagEntry(level: 'error' | 'warn', text: string, args: unknown[] = []): DiagEntry {
  const error = errorIn(text, args);
  if (!error) return { level, fields: { component: 'otel' }, msg: text };
  const fields = {
    component: 'otel',
    error: error.message,
    ...(error.code ? { error_code: error.code } : {}),
  };
  if (error.code && UNREACHABLE.has(error.code))
    return { level: 'warn', fields, msg: 'trace export failed: the collector does not answer' };
  const cut = text.indexOf('{');
  const prefix = (cut < 0 ? text : text.slice(0, cut)).replace(/[:\s]+$/, '');
  return { level, fields, msg: prefix || 'OpenTelemetry error' };
}

/**
 * Routes OpenTelemetry `diag` (warnings and errors) into the structured log, each distinct
 * message at most once per `quietMillis` so an unreachable collector does not flood the log;
 * URLs in messages are logged without their credentials.
 */
export function bridgeDiag(logger: Logger, quietMillis = 60_000): void {
  const last = new Map<string, number>();
  const log =
    (level: 'error' | 'warn') =>
    (first: string, ...args: unknown[]) => {
      // Component loggers pass their namespace first and the message after it.
      const text = redactUrlsIn(
        [first, ...args.filter((a): a is string => typeof a === 'string')].join(': '),
      );
      const entry = diagEntry(level, text, args);
      if (typeof entry.fields.error === 'string')
        entry.fields.error = redactUrlsIn(entry.fields.error);
      const key = `${entry.msg} ${String(entry.fields.error_code ?? entry.fields.error ?? '')}`;
      const now = Date.now();
      if ((last.get(key) ?? -Infinity) > now - quietMillis) return;
      last.set(key, now);
      if (last.size > 1_000) last.clear();
      logger[entry.level](entry.fields, entry.msg);
    };
  const ignore = () => {};
  const bridge: DiagLogger = {
    error: log('error'),
    warn: log('warn'),
    info: ignore,
    debug: ignore,
    verbose: ignore,
  };
  diag.setLogger(bridge, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
