import { describe, expect, it } from 'vitest';
import { parseMetadata, serializeMetadata, UNSERIALIZABLE } from '../../src/telemetry/serialize.js';

describe('serializeMetadata', () => {
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
