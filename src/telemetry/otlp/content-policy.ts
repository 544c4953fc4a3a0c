import { SpanStatusCode, type Attributes, type SpanStatus } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { createHash } from 'node:crypto';
import { CHILD_TEXT_METADATA_KEYS, withoutChildText } from '../../domain/child-text-fields.js';
import * as A from '../tracker/attributes.js';
import { CHILD_TEXT_SPAN_ATTRIBUTES, isForbiddenGenAiName } from '../tracker/genai-attributes.js';

/**
 * What leaves the process on the OTLP path (the record file always keeps it all): `full` sends
 * everything; `metadata` sends nothing derived from the child's text: item content as length
 * and SHA-256, metadata that can carry the child's words (`CHILD_TEXT_METADATA_KEYS`) as a
 * count or a length and SHA-256, exception and status messages (which may echo
 * the prompt) as the error type only, GenAI messages (`gen_ai.input.messages`,
 * `gen_ai.output.messages`) not at all: the backend span's item reference points at the text.
 */
export type ContentPolicy = 'full' | 'metadata';

const EXCEPTION_MESSAGE = 'exception.message';
const EXCEPTION_TYPE = 'exception.type';
const EXCEPTION_STACK = 'exception.stacktrace';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What replaces a value that can carry the child's words: a count, or a length and hash. */
function measure(key: string, value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return { [`${key}_count`]: value.length };
  if (typeof value === 'string')
    return { [`${key}_length`]: [...value].length, [`${key}_sha256`]: sha256(value) };
  return {};
}

/** A JSON text that may have one of `CHILD_TEXT_METADATA_KEYS` (one pass, not one a key). */
const MAY_HAVE_CHILD_TEXT = new RegExp(`"(?:${CHILD_TEXT_METADATA_KEYS.join('|')})"`);

/** Item metadata JSON without the child's words (`CHILD_TEXT_METADATA_KEYS`, at any depth). */
function redactMetadata(json: string): string {
  if (!MAY_HAVE_CHILD_TEXT.test(json)) return json;
  try {
    return JSON.stringify(withoutChildText(JSON.parse(json) as Record<string, unknown>, measure));
  } catch {
    return '{}';
  }
}

/** A stack trace without its header (`Type: message`), which may span lines. */
function stackFrames(stack: string, type: string): string {
  const at = stack.indexOf('\n    at ');
  return at < 0 ? type : `${type}${stack.slice(at)}`;
}

function redactEvent(event: TimedEvent): TimedEvent {
  const a = event.attributes;
  if (!a) return event;
  if (event.name === 'exception') {
    const type = typeof a[EXCEPTION_TYPE] === 'string' ? (a[EXCEPTION_TYPE] as string) : 'Error';
    const attributes: Attributes = { ...a, [EXCEPTION_MESSAGE]: type };
    const stack = a[EXCEPTION_STACK];
    if (typeof stack === 'string') attributes[EXCEPTION_STACK] = stackFrames(stack, type);
    return { ...event, attributes };
  }
  const content = a[A.ATTR_ITEM_CONTENT];
  const metadata = a[A.ATTR_ITEM_METADATA];
  const redactedMetadata = typeof metadata === 'string' ? redactMetadata(metadata) : metadata;
  if (typeof content !== 'string' && redactedMetadata === metadata) return event;
  const attributes: Attributes = { ...a };
  if (typeof content === 'string') {
    delete attributes[A.ATTR_ITEM_CONTENT];
    attributes[A.ATTR_ITEM_CONTENT_LENGTH] = [...content].length;
    attributes[A.ATTR_ITEM_CONTENT_SHA256] = sha256(content);
  }
  if (redactedMetadata !== undefined) attributes[A.ATTR_ITEM_METADATA] = redactedMetadata;
  return { ...event, attributes };
}

function redactStatus(span: ReadableSpan): SpanStatus {
  const { status } = span;
  if (status.code !== SpanStatusCode.ERROR || !status.message) return status;
  const type = span.attributes[A.ATTR_ERROR_TYPE];
  return { code: status.code, message: typeof type === 'string' ? type : 'Error' };
}

/** Span attributes without the GenAI messages (the child's text) and any `gen_ai.prompt*`. */
function redactAttributes(attributes: Attributes): Attributes {
  const drop = Object.keys(attributes).filter(
    (k) => CHILD_TEXT_SPAN_ATTRIBUTES.includes(k) || isForbiddenGenAiName(k),
  );
  if (drop.length === 0) return attributes;
  const kept: Attributes = { ...attributes };
  for (const k of drop) delete kept[k];
  return kept;
}

/** A copy of `span` that carries nothing derived from the child's text (pure). */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const events = span.events.map(redactEvent);
  const status = redactStatus(span);
  const attributes = redactAttributes(span.attributes);
  if (
    status === span.status &&
    attributes === span.attributes &&
    events.every((e, i) => e === span.events[i])
  )
    return span;
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status,
    attributes,
    links: span.links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Applies a content policy to the spans before they reach `inner`. */
export class ContentPolicySpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    readonly policy: ContentPolicy,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(this.policy === 'full' ? spans : spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
