import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { CatalogError, loadCatalog } from '../../src/pipeline/catalog.js';
import { filterText } from '../../src/pipeline/safety/filter-text.js';
import { offlineRunTexts, readCorpus } from '../../src/pipeline/safety/safety-corpus.js';
import { evaluateLevel } from '../../src/pipeline/safety/safety-evaluation.js';
import {
  startOllamaStandIn,
  type OllamaStandInOptions,
} from '../helpers/stand-ins/ollama-stand-in.js';
import { CONFIGS_DIR, testApp } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXECUTE = '/api/schema/pipeline/execute';
const CORPUS = new URL('../fixtures/safety-corpus/', import.meta.url).pathname;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** An app whose LLM (both modes) is an Ollama stand-in; media stays offline. */
async function ollamaApp(standIn: OllamaStandInOptions, settings: Partial<BackendSettings> = {}) {
  const ollama = await startOllamaStandIn(standIn);
  closers.push(ollama.close);
  const backends: BackendSettings = {
    llm: { eco: 'ollama', fast: 'ollama' },
    media: { eco: 'offline', fast: 'offline' },
    ollama: { baseUrl: ollama.url },
    ...settings,
  };
  return { ...(await testApp({ backends })), ollama };
}

const catalog = await loadCatalog(CONFIGS_DIR);
const kids = catalog.filters.level('kids')!;
const categoriesOf = (text: string, lang = 'de') => [
  ...new Set(kids.find(text, lang).map((m) => m.category)),
];

describe('the kids lists', () => {
  it('find German inflections, compounds, dialect and obfuscations, by category', () => {
    const cases: [string, string][] = [
      ['Ein Ritter mit einem Messer und Blut', 'weapons'],
      ['ein Pirat mit einer Pistole', 'weapons'],
      ['zwei Piraten mit Pistolen', 'weapons'],
      ['ein Blutbad im Schloss', 'violence'],
      ['eine Messerstecherei', 'weapons'],
      ['der Cowboy wird erschossen', 'violence'],
      ['ein Maschinengewehr', 'weapons'],
      ['M3ss3r und bl00d', 'weapons'],
      ['B l u t', 'violence'],
      ['Bluuuuut', 'violence'],
      ['Mes\u200bser', 'weapons'],
      ['Pis\u00adtole', 'weapons'],
      ['jemanden töten', 'violence'],
      ['jemanden toeten', 'violence'],
      ['a Messa', 'weapons'],
      ['🔪', 'weapons'],
      ['eine Bierflasche', 'drugs'],
      ['ein Zombieangriff', 'horror'],
    ];
    for (const [text, category] of cases) expect(categoriesOf(text), text).toContain(category);
  });

  it('leave harmless words that contain a listed stem alone', () => {
    for (const text of [
      'Eine Blutorange im Korb',
      'ein Schwertfisch im Meer',
      'eine Ballerina tanzt',
      'Kirschblüten im Frühling',
      'Nudeln mit Tomatensoße',
      'Es war einmal ein Drache',
      'ein Drache fliegt über die Berge',
      'eine Wasserpistole im Sommer',
      'Waffeln mit Puderzucker',
      'ein Granatapfel',
      'der Durchmesser eines Kreises',
      'das Mädchen schießt ein Tor',
    ])
      expect(kids.find(text, 'de'), text).toEqual([]);
    for (const text of ['a killer whale jumps', 'a shooting star at night', 'a tote bag'])
      expect(kids.find(text, 'en'), text).toEqual([]);
  });

  it('read a word the way a child may spell it', () => {
    expect(filterText('Häkenkreuz', 'strip').words).toEqual(['hakenkreuz']);
    expect(filterText('toeten Blüten').words).toEqual(['töten', 'blüten']);
    expect(filterText('Haken-Kreuz').joined.map((j) => j.word)).toContain('hakenkreuz');
  });
});

describe('the §86a list', () => {
  it('blocks spellings with hyphens, spaces, diacritics and look-alikes', () => {
    for (const text of [
      'Haken-Kreuz',
      'Haken Kreuz',
      'Häkenkreuz',
      'Swástika',
      'Sieg-Heil',
      'SS Rune',
      'SS-Runen',
      'H4kenkreuz',
      'swastik@',
      'Hackenkreuz',
      'Sieg\u00adHeil',
      '卐',
    ])
      expect(catalog.filters.stage1.find(text, 'de'), text).not.toEqual([]);
  });
});

describe('the labelled corpus', () => {
  it('meets the recall and false-block targets at kids and youth (offline backends)', async () => {
    const prompts = [
      ...(await readCorpus(join(CORPUS, 'dev.jsonl'))),
      ...(await readCorpus(join(CORPUS, 'holdout.jsonl'))),
    ];
    expect(prompts.filter((p) => p.label === 'unsafe').length).toBeGreaterThanOrEqual(400);
    const runTexts = offlineRunTexts(catalog, 'dada');
    for (const level of ['kids', 'youth']) {
      const f = await evaluateLevel(catalog, level, 'sd35_large', prompts, runTexts);
      for (const [category, r] of Object.entries(f.recall))
        expect(
          r.recall,
          `${level} ${category}: missed ${f.misses.join(' ')}`,
        ).toBeGreaterThanOrEqual(0.97);
      expect(f.harmless.rate, `${level}: ${f.falseBlocks.join(' ')}`).toBeLessThanOrEqual(0.05);
    }
  });
});

describe('stage 1 and stage 3 in the pipeline', () => {
  it('answers 403 for the examples, naming the category and never the word', async () => {
    const { app, store, tracing } = await testApp();
    for (const [text, label] of [
      ['Ein Ritter mit einem Messer und Blut', 'Gewalt'],
      ['Ein Pirat mit einer Pistole', 'Waffen'],
      ['Ein Ritter mit einem M e s s e r', 'Waffen'],
      ['Piraten mit Pistolen erschossen', 'Gewalt'],
    ]) {
      const res = await request(app).post(EXECUTE).send({ schema: 'dada', input_text: text });
      expect(res.status, text).toBe(403);
      expect(res.body.blocked_message).toContain(`GRUND: ${label}`);
      expect(res.body.blocked_message_en).toMatch(/^⚠️ Your prompt was blocked/);
      expect(res.body.blocked_message).not.toMatch(/messer|pistole|blut/i);
      await tracing.forceFlush();
      const record = (await store.get(res.body.execution_id))!;
      const check = record.items.find((i) => i.item_type === 'stage1_safety_check')!;
      expect(check.metadata).toMatchObject({ safe: false, safety_level: 'kids' });
      expect(check.metadata.matched_texts).toEqual(['original']);
      const blocked = record.items.find((i) => i.item_type === 'stage1_blocked')!;
      expect(blocked.metadata).toMatchObject({ blocked_reason: 'age_inappropriate' });
    }
  });

  it('checks the faithful translation of an LLM translator too', async () => {
    // "Büchse" (a rifle, or a tin) is on no list; its faithful translation is.
    const { app, store, tracing } = await ollamaApp({
      reply: (system) =>
        system.startsWith('Translate') ? 'A pirate with a rifle' : 'A friendly pirate ship',
    });
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Ein Pirat mit einer Büchse' });
    expect(res.status).toBe(403);
    expect(res.body.blocked_category).toBe('weapons');
    await tracing.forceFlush();
    const record = (await store.get(res.body.execution_id))!;
    expect(record.items.map((i) => i.item_type)).toEqual([
      'pipeline_start',
      'user_input_text',
      'stage1_safety_check',
      'translation_result',
      'stage1_safety_check',
      'stage1_blocked',
      'pipeline_complete',
    ]);
    expect(record.items[4]!.metadata).toMatchObject({
      safe: false,
      matched_texts: ['translation'],
    });
  });

  it('blocks an output whose prompt became unsafe in stage 2 (youth)', async () => {
    const { app } = await ollamaApp({
      reply: (system) =>
        system.startsWith('Translate')
          ? 'A knight in a garden'
          : system.startsWith('You check')
            ? 'safe'
            : 'A knight in a garden, a decapitated head at his feet',
    });
    const res = await request(app).post(EXECUTE).send({
      schema: 'dada',
      input_text: 'Ein Ritter im Garten',
      safety_level: 'youth',
      output_config: 'sd35_large',
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toEqual([
      expect.objectContaining({ status: 'blocked', blocked_category: 'violence' }),
    ]);
  });
});

describe('the safety model', () => {
  async function appWithSafetyModel(options: { failWith?: number; delayMillis?: number }) {
    return ollamaApp(
      {
        ...options,
        only: (system) => system.startsWith('You check'),
        reply: (system, user) => (system.startsWith('Translate') ? 'A flower in a meadow' : user),
      },
      { safetyModel: 'llama-guard3:1b', safetyTimeoutMillis: 300 },
    );
  }

  it('failing or slow at kids blocks with the reason in the record, never 5xx', async () => {
    for (const options of [{ failWith: 500 }, { delayMillis: 2_000 }]) {
      const { app, store, tracing } = await appWithSafetyModel(options);
      const res = await request(app).post(EXECUTE).send({
        schema: 'passthrough',
        input_text: 'Eine Blume auf der Wiese',
        execution_mode: 'fast',
        output_config: 'sd35_large',
      });
      expect(res.status, JSON.stringify(options)).toBe(200);
      expect(res.body.outputs).toEqual([
        expect.objectContaining({ status: 'blocked', blocked_category: 'check_unavailable' }),
      ]);
      await tracing.forceFlush();
      const record = (await store.get(res.body.execution_id))!;
      const check = record.items.find((i) => i.item_type === 'stage3_safety_check')!;
      expect(check.metadata).toMatchObject({ safe: false, fail_closed: true });
      expect(check.metadata.error_code).toMatch(/^backend_/);
      const blocked = record.items.find((i) => i.item_type === 'stage3_blocked')!;
      expect(blocked.metadata).toMatchObject({ blocked_reason: 'safety_check_unavailable' });
      expect(record.items.some((i) => i.item_type === 'pipeline_error')).toBe(false);
    }
  });

  it('is asked after the lists pass, and its "unsafe" blocks', async () => {
    const { app, ollama } = await ollamaApp(
      {
        reply: (system) => (system.startsWith('Translate') ? 'A flower in a meadow' : 'unsafe'),
      },
      { safetyModel: 'llama-guard3:1b' },
    );
    const res = await request(app).post(EXECUTE).send({
      schema: 'passthrough',
      input_text: 'Eine Blume auf der Wiese',
      execution_mode: 'fast',
      output_config: 'sd35_large',
    });
    expect(res.body.outputs).toEqual([
      expect.objectContaining({ status: 'blocked', blocked_category: 'model_verdict' }),
    ]);
    expect(ollama.requests.map((r) => r.model)).toContain('llama-guard3:1b');
  });
});

describe('the lists as data', () => {
  it('a bad list file stops the start with the file and the problem named', async () => {
    const dir = await tempDir();
    await cp(CONFIGS_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, 'safety', 'kids.json'),
      JSON.stringify({
        level: 'kids',
        description: 'x',
        categories: { weapons: { de: ['mes*ser'] } },
      }),
    );
    await expect(loadCatalog(dir)).rejects.toBeInstanceOf(CatalogError);
    await expect(loadCatalog(dir)).rejects.toThrow(/kids\.json.*\n?.*\* only at its start or end/s);
    await writeFile(
      join(dir, 'safety', 'kids.json'),
      JSON.stringify({ level: 'kids', description: 'x', categories: { gore: { de: ['blut'] } } }),
    );
    await expect(loadCatalog(dir)).rejects.toThrow(/kids\.json/);
  });
});
