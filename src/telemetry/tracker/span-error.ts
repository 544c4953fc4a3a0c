import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from './attributes.js';
import { PACKAGE_ROOT } from './package-root.js';

const ROOT = `${PACKAGE_ROOT}/`;

/** A stack trace with the checkout path taken out, so frames read `src/pipeline/stage2.ts:12:3`. */
export function relativeStack(stack: string): string {
  return stack.split(`file://${ROOT}`).join('').split(ROOT).join('');
}

/** Errors whose exception event is already on a span (the span where they happened). */
const recorded = new WeakSet<object>();

/**
 * Records an error on a span: status ERROR and `error.type`, and, on the first span that sees
 * this error (the innermost, where it happened), one `exception` event with a relative stack.
 */
export function recordSpanError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const type = err.name || 'Error';
  if (typeof error !== 'object' || error === null || !recorded.has(error)) {
    if (typeof error === 'object' && error !== null) recorded.add(error);
    span.recordException({
      name: type,
      message: err.message,
      stack: err.stack === undefined ? undefined : relativeStack(err.stack),
    });
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute(ATTR_ERROR_TYPE, type);
}
