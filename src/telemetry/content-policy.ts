import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { createHash } from 'node:crypto';
import {
  ATTR_ITEM_CONTENT,
  ATTR_ITEM_CONTENT_LENGTH,
  ATTR_ITEM_CONTENT_SHA256,
} from './attributes.js';

/**
 * What item content leaves the process on the OTLP path (the record file always keeps it all):
 * `full` sends the text; `metadata` sends its length and SHA-256 instead.
 */
export type ContentPolicy = 'full' | 'metadata';

function redactEvent(event: TimedEvent): TimedEvent {
  const content = event.attributes?.[ATTR_ITEM_CONTENT];
  if (typeof content !== 'string') return event;
  const attributes: Attributes = { ...event.attributes };
  delete attributes[ATTR_ITEM_CONTENT];
  attributes[ATTR_ITEM_CONTENT_LENGTH] = [...content].length;
  attributes[ATTR_ITEM_CONTENT_SHA256] = createHash('sha256').update(content).digest('hex');
  return { ...event, attributes };
}

/** A copy of `span` whose item events carry no content text (pure). */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  if (!span.events.some((e) => typeof e.attributes?.[ATTR_ITEM_CONTENT] === 'string')) return span;
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events.map(redactEvent),
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
