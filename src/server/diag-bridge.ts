import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Logger } from 'pino';

/**
 * Routes OpenTelemetry `diag` (warnings and errors) into the structured log, each distinct
 * message at most once per `quietMillis` so an unreachable collector does not flood the log.
 */
export function bridgeDiag(logger: Logger, quietMillis = 60_000): void {
  const last = new Map<string, number>();
  const log =
    (level: 'error' | 'warn') =>
    (message: string, ...args: unknown[]) => {
      const now = Date.now();
      if ((last.get(message) ?? -Infinity) > now - quietMillis) return;
      last.set(message, now);
      if (last.size > 1_000) last.clear();
      const err = args.find((a): a is Error => a instanceof Error);
      logger[level]({ component: 'otel', ...(err ? { err } : {}) }, message);
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
