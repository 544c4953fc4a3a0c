import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { studyRecords } from '../helpers/study-records.js';
import { CONFIGS_DIR, testApp } from '../helpers/test-app.js';

const records = studyRecords(80);

async function appWith(app: Parameters<typeof testApp>[0] = {}) {
  const ctx = await testApp(app);
  for (const r of records) await ctx.store.save(r);
  return ctx;
}

describe('GET /api/stats', () => {
  it('answers every breakdown for the list filters, and no user or session id anywhere', async () => {
    const { app } = await appWith();
    const res = await request(app).get('/api/stats?since=2026-11-24&safety_level=kids').expect(200);
    expect(res.body).toMatchObject({
      filters: { since: '2026-11-24', safety_level: 'kids' },
      k: 5,
      too_few_users: false,
      similarity_measure: expect.stringContaining('trigram'),
    });
    expect(res.body.runs).toBe(records.filter((r) => r.safety_level === 'kids').length);
    expect(Object.keys(res.body.tables)).toEqual([
      'runs_per_day',
      'block_rate_by_level',
      'block_rate_by_config',
      'blocks_by_category',
      'stage_durations',
      'outputs_by_media_type',
      'stillepost_drift',
    ]);
    expect(res.body.tables.block_rate_by_level.rows).toEqual([
      expect.objectContaining({ safety_level: 'kids' }),
    ]);
    const text = JSON.stringify(res.body);
    for (const r of records) {
      expect(text).not.toContain(r.user_id);
      expect(text).not.toContain(r.session_id);
    }
  });

  it('labels every block category it names in German and English, an unknown code as itself', async () => {
    const { app } = await appWith({ app: { statsMinUsers: 1 } });
    const res = await request(app).get('/api/stats').expect(200);
    const file = JSON.parse(
      await readFile(join(CONFIGS_DIR, 'safety/categories.json'), 'utf8'),
    ) as { categories: Record<string, { label: { de: string; en: string } }> };
    const blocks = res.body.tables.blocks_by_category;
    // The table is as before: the labels are beside it, not in it.
    expect(blocks.columns).toEqual(['stage', 'category', 'blocked', 'block_rate']);
    const named = new Set(blocks.rows.map((r: { category: string }) => r.category));
    expect([...named].sort()).toEqual(['scary', 'violence', 'weapons']);
    expect(res.body.categories).toEqual({
      ...Object.fromEntries(Object.entries(file.categories).map(([c, i]) => [c, i.label])),
      model_verdict: { de: 'Urteil des Sicherheitsmodells', en: 'Safety model verdict' },
      check_unavailable: { de: 'Prüfung nicht möglich', en: 'Check unavailable' },
      scary: { de: 'scary', en: 'scary' },
    });
    expect(res.body.categories.weapons).toEqual({ de: 'Waffen', en: 'Weapons' });
    expect(res.body.categories.violence).toEqual({ de: 'Gewalt', en: 'Violence' });
    expect(res.body.categories.self_harm).toEqual({ de: 'Sich selbst verletzen', en: 'Self-harm' });
  });

  it('hides groups from fewer than k users (STATS_MIN_USERS) and says how many', async () => {
    const strict = await appWith();
    const configs = (await request(strict.app).get('/api/stats').expect(200)).body.tables
      .block_rate_by_config;
    expect(configs.rows.map((r: { config: string }) => r.config)).not.toContain('solo_config');
    expect(configs.hidden).toBeGreaterThanOrEqual(1);
    const open = await appWith({ app: { statsMinUsers: 1 } });
    const all = (await request(open.app).get('/api/stats').expect(200)).body;
    expect(all.k).toBe(1);
    expect(all.tables.block_rate_by_config.rows.map((r: { config: string }) => r.config)).toEqual([
      'bauhaus',
      'dada',
      'solo_config',
      'stillepost',
    ]);
    expect(all.tables.block_rate_by_config.hidden).toBe(0);
  });

  it('says so when the selection comes from fewer than k users, showing nothing', async () => {
    const { app } = await appWith();
    const res = await request(app).get('/api/stats?config=solo_config').expect(200);
    expect(res.body).toMatchObject({ runs: null, too_few_users: true });
    expect(res.body.tables.runs_per_day.rows).toEqual([]);
  });

  it('refuses filters naming a user or session, and bad filters, with a 400 saying which', async () => {
    const { app } = await appWith();
    const personal = await request(app).get('/api/stats?user_id=child-1&session_id_prefix=s');
    expect(personal.status).toBe(400);
    expect(personal.body.error).toMatchObject({
      code: 'personal_filter',
      details: { refused: ['user_id', 'session_id_prefix'] },
    });
    const bad = await request(app).get('/api/stats?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_query');
    const unknown = await request(app).get('/api/stats?limit=5');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_query_parameter');
  });
});

describe('STATS_MIN_USERS', () => {
  it('sets k (default 5) and refuses what is not a positive whole number', () => {
    expect(loadConfig({}).statsMinUsers).toBe(5);
    expect(loadConfig({ STATS_MIN_USERS: '3' }).statsMinUsers).toBe(3);
    expect(() => loadConfig({ STATS_MIN_USERS: '0' })).toThrow(ConfigError);
  });
});
