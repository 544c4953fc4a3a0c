import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/pipeline/catalog.js';
import { InterceptionConfigSchema } from '../../src/pipeline/catalog-schemas.js';
import { CONFIGS_DIR, testApp } from '../helpers/test-app.js';

describe('config descriptions in German and English', () => {
  it('every shipped interception and output config describes itself in both languages', async () => {
    const catalog = await loadCatalog(CONFIGS_DIR);
    const configs = [...catalog.interception.values(), ...catalog.outputs.values()];
    expect(configs.length).toBeGreaterThan(10);
    for (const c of configs) {
      expect(c.description.de.length, c.name).toBeGreaterThan(10);
      expect(c.description.en.length, c.name).toBeGreaterThan(10);
      expect(c.description.de, c.name).not.toBe(c.description.en);
    }
  });

  it('reads a plain string (configs written before) as both, and refuses one language alone', () => {
    const base = { name: 'x', transformation: 'none' };
    expect(InterceptionConfigSchema.parse({ ...base, description: 'Both' }).description).toEqual({
      de: 'Both',
      en: 'Both',
    });
    expect(
      InterceptionConfigSchema.safeParse({ ...base, description: { de: 'Nur' } }).success,
    ).toBe(false);
  });

  it('GET /api/configs sends both descriptions', async () => {
    const ctx = await testApp();
    const res = await request(ctx.app).get('/api/configs');
    const dada = res.body.interception.find((c: { name: string }) => c.name === 'dada');
    expect(dada.description).toEqual({
      de: 'Ein Künstler im Geist des Dadaismus schreibt den Prompt um.',
      en: 'An artist working in the spirit of Dadaism rewrites the prompt.',
    });
  });
});
