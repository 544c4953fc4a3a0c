import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../helpers/record-builder.js';
import { loadTaxonomy10 } from '../helpers/taxonomy-1-loader.js';
import { testApp } from '../helpers/test-app.js';

const LEGACY_SUMMARY_KEYS = [
  'config_name',
  'execution_id',
  'execution_mode',
  'items_count',
  'safety_level',
  'session_id',
  'taxonomy_version',
  'timestamp',
  'total_execution_time',
  'user_id',
];

async function app() {
  const ctx = await testApp();
  const day = (d: number, h: number) => new Date(2026, 10, d, h, 30).getTime(); // local time
  const records = [
    buildRecord({ startMillis: day(23, 23), config_name: 'dada' }),
    buildRecord({ startMillis: day(24, 0), config_name: 'dada', user_id: 'u1' }),
    buildRecord({ startMillis: day(24, 22), config_name: 'stillepost', taxonomy_version: '1.0' }),
    buildRecord({ startMillis: day(25, 1), config_name: 'dada' }),
  ];
  for (const r of records) await ctx.store.save(r);
  return { ...ctx, records };
}

describe('legacy /api/runs', () => {
  it('lists with the earlier server shape: taxonomy_version, page 20, filters echoed with nulls', async () => {
    const ctx = await app();
    const all = await request(ctx.app).get('/api/runs');
    expect(all.body).toMatchObject({ total: 4, limit: 20, offset: 0, returned: 4 });
    expect(all.body).not.toHaveProperty('filters');
    for (const e of all.body.executions) expect(Object.keys(e).sort()).toEqual(LEGACY_SUMMARY_KEYS);
    expect(
      all.body.executions.map((e: { taxonomy_version: string }) => e.taxonomy_version),
    ).toEqual(['1.1', '1.0', '1.1', '1.1']);
    const day = await request(ctx.app).get('/api/runs?date=2026-11-24&config=dada');
    expect(day.body.executions.map((e: { execution_id: string }) => e.execution_id)).toEqual([
      ctx.records[1]!.execution_id,
    ]);
    expect(day.body.filters).toEqual({
      config: 'dada',
      date: '2026-11-24',
      user_id: null,
      session_id: null,
    });
    expect((await request(ctx.app).get('/api/runs?date=2026-11-24')).body.total).toBe(2);
    expect((await request(ctx.app).get('/api/executions?date=2026-11-24')).body.total).toBe(2);
  });

  it('answers stats with the old keys', async () => {
    const ctx = await app();
    const stats = (await request(ctx.app).get('/api/runs/stats')).body;
    expect(Object.keys(stats).sort()).toEqual([
      'total_records',
      'total_size_bytes',
      'total_size_mb',
    ]);
    expect(stats.total_records).toBe(4);
    expect(stats.total_size_mb).toBe(Math.round((stats.total_size_bytes / 1048576) * 100) / 100);
  });

  it('serves records in the taxonomy-1.0 shape', async () => {
    const ctx = await app();
    const id = ctx.records[0]!.execution_id;
    const got = (await request(ctx.app).get(`/api/runs/${id}`)).body;
    expect(() => loadTaxonomy10(got)).not.toThrow();
    const json = await request(ctx.app).get(`/api/runs/${id}/export/json`);
    expect(() => loadTaxonomy10(JSON.parse(json.text))).not.toThrow();
  });

  it('answers errors with the old bodies', async () => {
    const ctx = await app();
    const missing = 'exec_20260101_000000_0000abcd';
    const cases: [string, number, object][] = [
      [`/api/runs/${missing}`, 404, { error: 'Execution not found', execution_id: missing }],
      [
        '/api/runs?limit=0',
        400,
        { error: 'Invalid limit parameter', details: 'Limit must be between 1 and 100' },
      ],
      ['/api/runs?limit=101', 400, { error: 'Invalid limit parameter' }],
      [
        '/api/runs?offset=-1',
        400,
        { error: 'Invalid offset parameter', details: 'Offset must be >= 0' },
      ],
      [
        '/api/runs?date=24.11.2026',
        400,
        { error: 'Invalid date format', details: 'Date must be in format YYYY-MM-DD' },
      ],
      [
        `/api/runs/${ctx.records[0]!.execution_id}/export/pdf`,
        400,
        { error: 'Invalid export format', format: 'pdf' },
      ],
    ];
    for (const [path, status, body] of cases) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(status);
      expect(res.body, path).toMatchObject(body);
    }
    const id = ctx.records[0]!.execution_id;
    await writeFile(join(ctx.store.directory, `${id}.json`), '{"x');
    const broken = await request(ctx.app).get(`/api/runs/${id}`);
    expect(broken.status).toBe(500);
    expect(broken.body).toMatchObject({ error: 'Failed to fetch execution', execution_id: id });
    // the current API keeps its own error body
    expect((await request(ctx.app).get(`/api/executions/${missing}`)).body.error.code).toBe(
      'not_found',
    );
  });
});
