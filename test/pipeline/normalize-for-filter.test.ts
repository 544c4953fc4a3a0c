import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { normalizeForFilter } from '../../src/pipeline/normalize-for-filter.js';
import { loadCatalog } from '../../src/pipeline/catalog.js';
import { TermFilter } from '../../src/pipeline/term-filter.js';
import { CONFIGS_DIR, testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';

async function terms(file: string): Promise<string[]> {
  const json = JSON.parse(await readFile(join(CONFIGS_DIR, 'safety', file), 'utf8')) as {
    terms: (string | { term: string })[];
  };
  return json.terms.map((t) => (typeof t === 'string' ? t : t.term));
}

describe('normalizeForFilter', () => {
  it('removes zero-width and format characters and soft hyphens', () => {
    expect(normalizeForFilter('Haken\u200bkreuz')).toBe('hakenkreuz');
    expect(normalizeForFilter('g\u200cu\u200dn\u2060')).toBe('gun');
    expect(normalizeForFilter('Ha\u00adken\u00adkreuz')).toBe('hakenkreuz');
    expect(normalizeForFilter('\ufeffg\u034fun\ufe0f')).toBe('gun');
    expect(normalizeForFilter('g\u202eun\u202c')).toBe('gun');
  });

  it('applies NFKC: full-width letters and ligatures become plain letters', () => {
    expect(normalizeForFilter('ｇｕｎ')).toBe('gun');
    expect(normalizeForFilter('ﬁsh')).toBe('fish');
  });

  it('folds Cyrillic and Greek look-alike letters to Latin', () => {
    expect(normalizeForFilter('Нakenkrеuz')).toBe('hakenkreuz'); // Cyrillic Н, е
    expect(normalizeForFilter('ΚΙLL')).toBe('kill'); // Greek Κ, Ι
    expect(normalizeForFilter('sіeg hеіl')).toBe('sieg heil'); // Cyrillic і, е
  });

  it('keeps composed German letters and drops stray combining marks', () => {
    expect(normalizeForFilter('Straße Ölgemälde schön')).toBe('straße ölgemälde schön');
    expect(normalizeForFilter('u\u0308ber')).toBe('über');
    expect(normalizeForFilter('g\u0336u\u0336n\u0336')).toBe('gun');
  });

  it('unifies dashes', () => {
    expect(normalizeForFilter('SS\u2011Rune')).toBe('ss-rune');
  });
});

describe('term filters after normalisation', () => {
  it('the §86a filter blocks every bypass', async () => {
    const filter = new TermFilter(await terms('stage1-86a.json'));
    for (const text of [
      'Haken\u200bkreuz',
      'ein Ha\u00adken\u00adkreuz',
      'Нakenkrеuz',
      'ｈａｋｅｎｋｒｅｕｚ',
      'Sіeg Нeil',
      'SS\u2011Rune',
      'Hakenkreuz\u200b\u200bfahne',
    ]) {
      expect(filter.find(text), JSON.stringify(text)).not.toEqual([]);
    }
  });

  it('the kids filter blocks every bypass', async () => {
    const kids = (await loadCatalog(CONFIGS_DIR)).filters.level('kids')!;
    const filter = { find: (text: string) => kids.find(text, 'en').map((m) => m.term) };
    for (const text of [
      'g\u200bun',
      'a g\u00adun',
      'ｇｕｎ',
      'a blооdy knife',
      'ΚΙLLER',
      'k\u200dill',
    ]) {
      expect(filter.find(text), JSON.stringify(text)).not.toEqual([]);
    }
  });

  it('harmless words still pass', async () => {
    const kids = (await loadCatalog(CONFIGS_DIR)).filters.level('kids')!;
    const filter = { find: (text: string) => kids.find(text, 'en').map((m) => m.term) };
    for (const text of [
      'Eine Blume auf der Wiese',
      'A painting of a spaniel',
      'The race had begun',
      'Eine Kreuzung mit einem Haken',
      'Hakenschlag des Hasen',
      'skillful warrior-free sunflowers', // "war" only as a whole word
      'Eine Schildkröte im Café',
      'Straße, Ölgemälde, naïve Kunst',
      'привет, кот', // Russian
      'καλημέρα', // Greek
      'ﬁsh and ｃｈｉｐｓ',
      'Sonne\u200bnblume',
    ]) {
      expect(filter.find(text), JSON.stringify(text)).toEqual([]);
    }
  });
});

describe('the pipeline with bypass attempts', () => {
  it('stage 1 blocks "Haken\\u200bkreuz" with 403', async () => {
    const { app } = await testApp();
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Ein Haken\u200bkreuz', output_config: 'none' });
    expect(res.status).toBe(403);
    expect(res.body.status).toBe('blocked');
  });

  it('stage 1 blocks "g\\u200bun" at kids level, naming the category', async () => {
    const { app } = await testApp();
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'passthrough', input_text: 'a g\u200bun', output_config: 'sd35_large' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: 'blocked', blocked_category: 'weapons' });
    expect(res.body.blocked_message).toMatch(/GRUND: Waffen/);
  });

  it('a harmless prompt with a zero-width space is produced', async () => {
    const { app } = await testApp();
    const res = await request(app).post(EXECUTE).send({
      schema: 'passthrough',
      input_text: 'a sun\u200bflower',
      output_config: 'sd35_large',
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toEqual([expect.objectContaining({ status: 'produced' })]);
  });
});
