import { describe, expect, it } from 'vitest';
import type { ExecutionItem } from '../../../src/domain/execution-item.js';
import { formatHrTime } from '../../../src/domain/timestamp.js';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import {
  decodeItem,
  encodeItem,
  parseMetadata,
  serializeMetadata,
  UNSERIALIZABLE,
} from '../../../src/telemetry/tracker/item-codec.js';
import { at } from '../../helpers/span-fixtures.js';

const time = at(1234);
const base: ExecutionItem = {
  sequence_number: 7,
  timestamp: formatHrTime(time),
  stage: 2,
  stage_iteration: 3,
  loop_iteration: null,
  media_type: 'text',
  item_type: 'interception_iteration',
  content: 'Une fleur 🌼 dans le pré',
  file_path: null,
  config_used: 'stillepost',
  model_used: 'mistral-nemo',
  backend_type: 'ollama',
  execution_time: 0.123457,
  metadata: { from_lang: 'en', to_lang: 'fr', nested: { n: [1, 2] }, none: null },
};
const roundTrip = (item: ExecutionItem) =>
  decodeItem({ name: item.item_type, time, attributes: encodeItem(item).attributes });

describe('item codec: item <-> span event', () => {
  it('round-trips a full item, every field', () => {
    expect(roundTrip(base)).toEqual(base);
  });

  it('round-trips an item with every optional field null, writing no attribute for them', () => {
    const bare: ExecutionItem = {
      ...base,
      stage: 0,
      stage_iteration: null,
      media_type: 'metadata',
      item_type: 'pipeline_start',
      content: null,
      config_used: null,
      model_used: null,
      backend_type: null,
      execution_time: null,
      metadata: {},
    };
    expect(roundTrip(bare)).toEqual(bare);
    expect(Object.keys(encodeItem(bare).attributes).sort()).toEqual(
      [
        A.ATTR_ITEM_SEQUENCE,
        A.ATTR_ITEM_STAGE,
        A.ATTR_ITEM_MEDIA_TYPE,
        A.ATTR_ITEM_METADATA,
      ].sort(),
    );
  });

  it('round-trips the stage 3/4 loop index and a file path', () => {
    const output = {
      ...base,
      stage: 4,
      stage_iteration: null,
      loop_iteration: 2,
      item_type: 'output_image',
      media_type: 'image',
      file_path: 'exec_x/output_2.png',
    };
    expect(roundTrip(output)).toEqual(output);
  });

  it('gives back the same item when its metadata is plain JSON (no second decoding)', () => {
    expect(encodeItem(base).item).toBe(base);
  });

  it('gives back the item as decoded when the metadata is not plain JSON', () => {
    const item = { ...base, metadata: { tokens: 12n } as Record<string, unknown> };
    const encoded = encodeItem(item);
    expect(encoded.item.metadata).toEqual({ tokens: '12' });
    expect(decodeItem({ name: item.item_type, time, attributes: encoded.attributes })).toEqual(
      encoded.item,
    );
  });

  it('decodes only item events: an exception event is not an item', () => {
    expect(decodeItem({ name: 'exception', time, attributes: { 'exception.message': 'x' } })).toBe(
      null,
    );
  });
});

describe('item metadata JSON', () => {
  it('writes plain metadata as JSON and reads it back', () => {
    const metadata = { from_lang: 'de', found_terms: ['a', 'b'], nested: { n: 1 }, none: null };
    expect(parseMetadata(serializeMetadata(metadata))).toEqual(metadata);
  });

  it('keeps BigInts as strings', () => {
    expect(serializeMetadata({ tokens: 12n })).toBe('{"tokens":"12"}');
  });

  it('never throws: cycles and throwing getters become a placeholder', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(serializeMetadata(cyclic)).toBe(UNSERIALIZABLE);
    expect(serializeMetadata(throwing)).toBe(UNSERIALIZABLE);
    expect(serializeMetadata(undefined)).toBe('{}');
  });

  it('reads anything else as _raw', () => {
    expect(parseMetadata('[1]')).toEqual({ _raw: '[1]' });
    expect(parseMetadata(42)).toEqual({});
  });
});
