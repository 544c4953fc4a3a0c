import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatHrTime } from '../../../src/domain/timestamp.js';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import { redactSpan } from '../../../src/telemetry/otlp/content-policy.js';
import { mergeItems, spansToRecord } from '../../../src/telemetry/record/span-to-record.js';
import { at, itemEvent, spanFixture, TRACE_ID } from '../../helpers/span-fixtures.js';

const ID = 'exec_20260301_101500_0000abcd';
const run = {
  [A.ATTR_EXECUTION_ID]: ID,
  [A.ATTR_CONFIG_NAME]: 'dada',
  [A.ATTR_EXECUTION_MODE]: 'eco',
  [A.ATTR_SAFETY_LEVEL]: 'kids',
  [A.ATTR_USER_ID]: 'u1',
  [A.ATTR_SESSION_ID]: 's1',
  [A.ATTR_TAXONOMY_VERSION]: '1.1',
};

const startSpan = spanFixture({
  spanId: 'a000000000000001',
  parentSpanId: 'a000000000000000',
  startMs: 0,
  endMs: 0,
  attributes: { ...run, [A.ATTR_SPAN_ROLE]: A.ROLE_START },
  events: [
    itemEvent('pipeline_start', 0, {
      [A.ATTR_ITEM_SEQUENCE]: 1,
      [A.ATTR_ITEM_STAGE]: 0,
      [A.ATTR_ITEM_MEDIA_TYPE]: 'metadata',
      [A.ATTR_ITEM_METADATA]: '{"config_name":"dada"}',
    }),
  ],
});
const stage1 = spanFixture({
  spanId: 'a000000000000002',
  parentSpanId: 'a000000000000000',
  startMs: 1,
  endMs: 250,
  attributes: { [A.ATTR_EXECUTION_ID]: ID, [A.ATTR_SPAN_ROLE]: A.ROLE_STAGE, [A.ATTR_STAGE]: 1 },
  events: [
    itemEvent('translation_result', 249, {
      [A.ATTR_ITEM_SEQUENCE]: 2,
      [A.ATTR_ITEM_STAGE]: 1,
      [A.ATTR_ITEM_MEDIA_TYPE]: 'text',
      [A.ATTR_ITEM_CONTENT]: 'A flower',
      [A.ATTR_ITEM_MODEL_USED]: 'gpt-oss',
      [A.ATTR_ITEM_BACKEND_TYPE]: 'ollama',
      [A.ATTR_ITEM_EXECUTION_TIME]: 0.248,
      [A.ATTR_ITEM_METADATA]: '{"from_lang":"de","to_lang":"en"}',
    }),
    {
      name: 'exception',
      time: at(249),
      attributes: { 'exception.message': 'not an item' },
      droppedAttributesCount: 0,
    },
  ],
});
const rootSpan = spanFixture({
  spanId: 'a000000000000000',
  startMs: 0,
  endMs: 1500,
  attributes: {
    ...run,
    [A.ATTR_SPAN_ROLE]: A.ROLE_RUN,
    [A.ATTR_STATUS]: 'completed',
    [A.ATTR_USED_SEED]: 7,
  },
  events: [
    itemEvent('pipeline_complete', 1500, {
      [A.ATTR_ITEM_SEQUENCE]: 3,
      [A.ATTR_ITEM_STAGE]: 5,
      [A.ATTR_ITEM_MEDIA_TYPE]: 'metadata',
      [A.ATTR_ITEM_METADATA]: '{"outcome":"completed"}',
    }),
  ],
});

const item = (n: number, ms: number, rest: object) => ({
  sequence_number: n,
  timestamp: formatHrTime(at(ms)),
  stage_iteration: null,
  loop_iteration: null,
  content: null,
  file_path: null,
  config_used: null,
  model_used: null,
  backend_type: null,
  execution_time: null,
  ...rest,
});

describe('spansToRecord', () => {
  it('assembles the whole record from a run, in sequence order whatever the span order', () => {
    const record = spansToRecord([rootSpan, stage1, startSpan], {
      traceUrl: (t) => `http://jaeger/trace/${t}`,
    });
    expect(record).toEqual({
      execution_id: ID,
      config_name: 'dada',
      timestamp: formatHrTime(at(0)),
      user_id: 'u1',
      session_id: 's1',
      execution_mode: 'eco',
      safety_level: 'kids',
      used_seed: 7,
      total_execution_time: 1.5,
      taxonomy_version: '1.1',
      trace_id: TRACE_ID,
      trace_url: `http://jaeger/trace/${TRACE_ID}`,
      status: 'completed',
      items: [
        item(1, 0, {
          stage: 0,
          media_type: 'metadata',
          item_type: 'pipeline_start',
          metadata: { config_name: 'dada' },
        }),
        item(2, 249, {
          stage: 1,
          media_type: 'text',
          item_type: 'translation_result',
          content: 'A flower',
          model_used: 'gpt-oss',
          backend_type: 'ollama',
          execution_time: 0.248,
          metadata: { from_lang: 'de', to_lang: 'en' },
        }),
        item(3, 1500, {
          stage: 5,
          media_type: 'metadata',
          item_type: 'pipeline_complete',
          metadata: { outcome: 'completed' },
        }),
      ],
    });
  });

  it('makes an incomplete checkpoint from the start span, timed up to the latest span end', () => {
    const record = spansToRecord([startSpan, stage1]);
    expect(record.status).toBe('incomplete');
    expect(record.total_execution_time).toBeCloseTo(0.25, 6);
    expect(record.items.map((i) => i.item_type)).toEqual(['pipeline_start', 'translation_result']);
    expect(record.trace_url).toBeNull();
  });

  it('refuses spans without the run or start span', () => {
    expect(() => spansToRecord([stage1])).toThrow(/run span or the start span/);
  });

  it('keeps unparseable metadata as _raw instead of failing', () => {
    const bad = spanFixture({
      ...stage1,
      spanId: 'b1',
      startMs: 1,
      endMs: 2,
      attributes: stage1.attributes,
      events: [
        itemEvent('translation_result', 2, {
          [A.ATTR_ITEM_SEQUENCE]: 2,
          [A.ATTR_ITEM_STAGE]: 1,
          [A.ATTR_ITEM_MEDIA_TYPE]: 'text',
          [A.ATTR_ITEM_METADATA]: '{oops',
        }),
      ],
    });
    expect(spansToRecord([startSpan, bad]).items[1]!.metadata).toEqual({ _raw: '{oops' });
  });

  it('merges late items by sequence number', () => {
    const r = spansToRecord([startSpan, rootSpan]);
    const late = spansToRecord([startSpan, stage1]).items;
    expect(mergeItems(r.items, late).map((i) => i.sequence_number)).toEqual([1, 2, 3]);
  });
});

describe('content policy', () => {
  it('replaces content with its length and SHA-256 and leaves other attributes', () => {
    const redacted = redactSpan(stage1);
    const attrs = redacted.events[0]!.attributes!;
    expect(attrs[A.ATTR_ITEM_CONTENT]).toBeUndefined();
    expect(attrs[A.ATTR_ITEM_CONTENT_LENGTH]).toBe(8);
    expect(attrs[A.ATTR_ITEM_CONTENT_SHA256]).toBe(
      createHash('sha256').update('A flower').digest('hex'),
    );
    expect(attrs[A.ATTR_ITEM_MODEL_USED]).toBe('gpt-oss');
    expect(redacted.spanContext().traceId).toBe(TRACE_ID);
    // The original span (the record path's copy) keeps its content.
    expect(stage1.events[0]!.attributes![A.ATTR_ITEM_CONTENT]).toBe('A flower');
    expect(redactSpan(rootSpan)).toBe(rootSpan);
  });
});
