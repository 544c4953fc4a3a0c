import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../src/pipeline/catalog.js';
import { TermFilter } from '../../src/pipeline/term-filter.js';
import { CONFIGS_DIR } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('TermFilter', () => {
  const filter = new TermFilter(['pain', 'kill*', 'dead body', 'Hakenkreuz*']);

  it('matches whole words only: "painting" is not "pain"', () => {
    expect(filter.find('A painting of a spaniel')).toEqual([]);
    expect(filter.find('Pain, and more pain.')).toEqual(['pain']);
  });

  it('matches a * term as a word prefix, case-insensitively and across German compounds', () => {
    expect(filter.find('The KILLER whale')).toEqual(['kill*']);
    expect(filter.find('skill')).toEqual([]);
    expect(filter.find('eine Hakenkreuzfahne')).toEqual(['hakenkreuz*']);
  });

  it('matches multi-word terms across any white space', () => {
    expect(filter.find('a dead\n body')).toEqual(['dead body']);
    expect(filter.find('deadbody')).toEqual([]);
  });
});

describe('loadCatalog', () => {
  it('loads the shipped configs', async () => {
    const catalog = await loadCatalog(CONFIGS_DIR);
    expect([...catalog.interception.keys()].sort()).toEqual([
      'bauhaus',
      'dada',
      'image_comparison',
      'passthrough',
      'stillepost',
    ]);
    expect(catalog.interception.get('stillepost')).toMatchObject({ iterations: 8 });
    expect(new Set([...catalog.outputs.values()].map((o) => o.media_type))).toEqual(
      new Set(['image', 'audio', 'music', 'video', '3d']),
    );
    expect([...catalog.levels.keys()]).toEqual(['kids', 'youth', 'adult']);
  });

  it('names the file and the problem of a bad config', async () => {
    const dir = await tempDir();
    await cp(CONFIGS_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, 'interception', 'broken.json'),
      JSON.stringify({
        name: 'broken',
        description: 'x',
        transformation: 'recursive',
        iterations: 3,
      }),
    );
    await expect(loadCatalog(dir)).rejects.toThrow(/broken\.json.*\n?.*language_chain/s);
    await writeFile(
      join(dir, 'interception', 'broken.json'),
      JSON.stringify({
        name: 'broken',
        description: 'x',
        transformation: 'single',
        output_configs: ['nope'],
      }),
    );
    await expect(loadCatalog(dir)).rejects.toBeInstanceOf(CatalogError);
    await expect(loadCatalog(dir)).rejects.toThrow(/unknown output config "nope"/);
  });
});

describe('reproducible records', () => {
  it('every LLM step records its instruction, parameters and tokens; the safety verdict and config versions are kept', async () => {
    const { testApp } = await import('../helpers/test-app.js');
    const request = (await import('supertest')).default;
    const ctx = await testApp();
    const answer = await request(ctx.app).post('/api/schema/pipeline/execute').send({
      schema: 'image_comparison',
      input_text: 'Ein freundliches Skelett tanzt lachend auf einem Kindergeburtstag',
      safety_level: 'kids',
    });
    const record = (await ctx.store.get(answer.body.execution_id))!;
    const item = (type: string) => record.items.find((i) => i.item_type === type)!;
    const llmCheck = record.items.find(
      (i) => i.item_type === 'stage3_safety_check' && i.metadata.method === 'llm_context_check',
    )!;
    for (const [type, m] of [
      ['translation_result', item('translation_result').metadata],
      ['stage3 llm_context_check', llmCheck.metadata],
    ] as const) {
      expect(m.instruction, type).toEqual(expect.any(String));
      expect(m.instruction_sha256, type).toMatch(/^[0-9a-f]{64}$/);
      expect(m.parameters, type).toEqual({ temperature: null, max_tokens: null, seed: null });
      expect(m, type).toHaveProperty('input_tokens');
    }
    expect(item('interception_final').metadata.config_version).toMatch(/^[0-9a-f]{64}$/);
    expect(llmCheck.metadata.verdict_text).toEqual(expect.any(String));
    expect(llmCheck.metadata.instruction).toMatch(/arts platform for children/);
    const output = record.items.find((i) => i.item_type.startsWith('output_'))!;
    expect(output.metadata.config_version).toMatch(/^[0-9a-f]{64}$/);
  });
});
