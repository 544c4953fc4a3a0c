import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { redactUrlsIn } from '../telemetry/redact-url.js';

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
      const now = Date.now();
      if ((last.get(text) ?? -Infinity) > now - quietMillis) return;
      last.set(text, now);
      if (last.size > 1_000) last.clear();
      const err = args.find((a): a is Error => a instanceof Error);
      // The error's message and stack may name the collector URL with its credentials.
      const safe = err && { type: err.name, message: redactUrlsIn(err.message) };
      logger[level]({ component: 'otel', ...(safe ? { err: safe } : {}) }, text);
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
