import { describe, expect, it } from 'vitest';
import { filterInstant, localDay } from '../../src/query/filter-time.js';
import { givenFilters, ListFiltersSchema, toRecordQuery } from '../../src/query/list-filters.js';
import { BundleQuerySchema, manifestFilters } from '../../src/query/list-queries.js';

const local = (...parts: [number, number, number, number?, number?, number?, number?]) =>
  new Date(
    parts[0],
    parts[1] - 1,
    parts[2],
    parts[3] ?? 0,
    parts[4] ?? 0,
    parts[5] ?? 0,
    parts[6] ?? 0,
  ).getTime();

describe('filterInstant', () => {
  it('reads a date alone as the whole local day: since at its start, until at its last millisecond', () => {
    expect(filterInstant('2026-12-02', 'start')).toBe(local(2026, 12, 2));
    expect(filterInstant('2026-12-02', 'end')).toBe(local(2026, 12, 3) - 1);
    expect(localDay('2026-12-02')).toEqual({
      startMillis: local(2026, 12, 2),
      endMillis: local(2026, 12, 2, 23, 59, 59, 999),
    });
  });

  it('reads an ISO date-time as that instant: local without an offset, seconds optional', () => {
    expect(filterInstant('2026-12-02T14:30', 'end')).toBe(local(2026, 12, 2, 14, 30));
    expect(filterInstant('2026-12-02 14:30:15', 'start')).toBe(local(2026, 12, 2, 14, 30, 15));
    expect(filterInstant('2026-12-02T14:30:15.250Z', 'start')).toBe(
      Date.UTC(2026, 11, 2, 14, 30, 15, 250),
    );
    expect(filterInstant('2026-12-02T14:30+01:00', 'start')).toBe(Date.UTC(2026, 11, 2, 13, 30));
  });

  it('is NaN for anything else: impossible dates, other notations, words', () => {
    for (const bad of [
      '2026-13-45',
      '2026-02-30',
      '2026-12-02T25:00',
      '2026-12-02T12:60',
      '12/02/2026',
      '02.12.2026',
      'yesterday',
      '2026-12-2',
      '',
    ])
      expect(filterInstant(bad, 'start'), bad).toBeNaN();
  });
});

describe('ListFiltersSchema and toRecordQuery', () => {
  it('turns the query names into the store query, until a date keeping that whole day', () => {
    const q = ListFiltersSchema.parse({
      config: 'dada',
      status: 'blocked',
      safety_level: 'kids',
      user_id: 'u1',
      session_id: 's1',
      since: '2026-12-01',
      until: '2026-12-02',
    });
    expect(toRecordQuery({ ...q, limit: 5, offset: 10 })).toEqual({
      configName: 'dada',
      status: 'blocked',
      safetyLevel: 'kids',
      userId: 'u1',
      sessionId: 's1',
      sinceMillis: local(2026, 12, 1),
      untilMillis: local(2026, 12, 3) - 1,
      limit: 5,
      offset: 10,
    });
  });

  it('narrows since and until to the date filter’s day when both are given', () => {
    const q = toRecordQuery({ since: '2026-11-01', until: '2026-12-31T10:00', date: '2026-12-02' });
    expect(q).toMatchObject({
      sinceMillis: local(2026, 12, 2),
      untilMillis: local(2026, 12, 3) - 1,
    });
  });

  it('refuses an unknown status, an empty text, an impossible day', () => {
    for (const bad of [
      { status: 'exploded' },
      { config: '' },
      { date: '2026-02-30' },
      { until: 'soon' },
    ])
      expect(ListFiltersSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('names filters in manifests by their query names, values as given', () => {
    const q = BundleQuerySchema.parse({
      user_id: 'u1',
      until: '2026-12-02',
      limit: '3',
      omit_text: '1',
    });
    expect(givenFilters(q)).toEqual({ user_id: 'u1', until: '2026-12-02' });
    expect(manifestFilters(q)).toEqual({ user_id: 'u1', until: '2026-12-02', limit: 3 });
    expect(manifestFilters({ ...q, offset: 4 })).toMatchObject({ offset: 4 });
  });
});
