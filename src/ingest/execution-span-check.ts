import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { isExecutionId } from '../domain/execution-id.js';
import { RECORD_STATUSES } from '../domain/execution-record.js';
import { ExecutionItemSchema } from '../domain/execution-item.js';
import {
  ATTR_EXECUTION_ID,
  ATTR_SPAN_ROLE,
  ATTR_STATUS,
  ROLE_RUN,
  ROLE_START,
} from '../telemetry/tracker/attributes.js';
import { decodeItem } from '../telemetry/tracker/item-codec.js';
import { spansToRecord } from '../telemetry/record/span-to-record.js';
import { SpanRejection } from './otlp-spans.js';

/**
 * Refuses a span of a run that could not become part of a valid record, so one bad span never
 * spoils the run's record (pure; throws `SpanRejection`). It uses the record path's own
 * transform: a run or start span must assemble into a record on its own, and every item event
 * must decode into a valid item. Spans without an `execution.id` string pass (they are ignored).
 */
export function checkExecutionSpan(span: ReadableSpan): void {
  const id = span.attributes[ATTR_EXECUTION_ID];
  if (typeof id !== 'string') return;
  if (!isExecutionId(id)) throw new SpanRejection('execution.id is not an execution id');
  const role = span.attributes[ATTR_SPAN_ROLE];
  const status = span.attributes[ATTR_STATUS];
  if (role === ROLE_RUN && status !== undefined && !isStatus(status)) {
    throw new SpanRejection(
      `a run span whose ${ATTR_STATUS} is not one of ${RECORD_STATUSES.join(', ')}`,
    );
  }
  if (role === ROLE_RUN || role === ROLE_START) {
    try {
      spansToRecord([span]);
    } catch {
      throw new SpanRejection(`a ${role} span without valid run attributes`);
    }
  }
  for (const event of span.events) {
    const item = decodeItem(event);
    if (item && !ExecutionItemSchema.safeParse(item).success) {
      throw new SpanRejection(
        `event ${JSON.stringify(event.name.slice(0, 40))} is not a valid item`,
      );
    }
  }
}

const isStatus = (value: unknown): boolean =>
  typeof value === 'string' && (RECORD_STATUSES as readonly string[]).includes(value);
