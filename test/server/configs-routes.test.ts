import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { plainTokenEntry } from '../../src/server/auth/token-entries.js';
import { CONFIGS_DIR, testApp } from '../helpers/test-app.js';

const VIEWER = 'configs-viewer-token-0123456789';

describe('GET /api/configs', () => {
  it('labels every safety category of the catalog in German and English', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/api/configs').expect(200);
    const file = JSON.parse(
      await readFile(join(CONFIGS_DIR, 'safety/categories.json'), 'utf8'),
    ) as { categories: Record<string, { label: { de: string; en: string } }> };
    expect(res.body.safety_categories).toEqual({
      model_verdict: { de: 'Urteil des Sicherheitsmodells', en: 'Safety model verdict' },
      check_unavailable: { de: 'Prüfung nicht möglich', en: 'Check unavailable' },
      ...Object.fromEntries(Object.entries(file.categories).map(([c, i]) => [c, i.label])),
    });
    expect(res.body.safety_categories.weapons).toEqual({ de: 'Waffen', en: 'Weapons' });
    expect(res.body.safety_categories.hate).toEqual({
      de: 'Hass und verbotene Symbole',
      en: 'Hate and banned symbols',
    });
    // The labels only: what the child is told stays with the block, never in this list.
    expect(JSON.stringify(res.body.safety_categories)).not.toContain('Waffen sind gefährlich');
  });

  it('answers a viewer and refuses a caller without a token', async () => {
    const { app } = await testApp({ app: { tokens: [plainTokenEntry(VIEWER, 'viewer', 't')] } });
    await request(app).get('/api/configs').expect(401);
    const res = await request(app)
      .get('/api/configs')
      .set('authorization', `Bearer ${VIEWER}`)
      .expect(200);
    expect(res.body.safety_categories.violence).toEqual({ de: 'Gewalt', en: 'Violence' });
  });
});
