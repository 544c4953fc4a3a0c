import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRubrics, RubricError } from '../../src/review/rubric-loader.js';
import { CONFIGS_DIR } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';

async function rubricDir(files: Record<string, unknown>): Promise<string> {
  const dir = join(await tempDir(), 'rubrics');
  await mkdir(dir);
  for (const [name, body] of Object.entries(files))
    await writeFile(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

const item = { key: 'fit', type: 'boolean', scope: 'run', labels: { de: 'passt', en: 'fits' } };
const rubric = { id: 'r1', version: '1', labels: { de: 'R', en: 'R' }, items: [item] };

describe('loadRubrics', () => {
  it('loads the shipped rubrics, every item labelled in German and English', async () => {
    const rubrics = await loadRubrics(join(CONFIGS_DIR, 'rubrics'));
    const childIdea = rubrics.get('child_idea');
    expect(childIdea?.items.map((i) => [i.key, i.type, i.scope])).toEqual([
      ['faithfulness', 'ordinal', 'output'],
      ['creativity', 'ordinal', 'interception_final'],
      ['age_fit', 'nominal', 'output'],
      ['block_judgment', 'nominal', 'run'],
      ['output_quality', 'interval', 'output'],
      ['surprise', 'boolean', 'run'],
      ['comment', 'text', 'run'],
    ]);
  });

  it('answers no rubrics for a missing directory', async () => {
    expect((await loadRubrics(join(await tempDir(), 'none'))).size).toBe(0);
  });

  it.each([
    ['bad JSON', '{', /r1\.json: .*JSON/],
    [
      'a nominal item without values',
      { ...rubric, items: [{ ...item, type: 'nominal' }] },
      /needs values/,
    ],
    [
      'an unknown scope',
      { ...rubric, items: [{ ...item, scope: 'lunch' }] },
      /r1\.json: [\s\S]*items\[0\]\.scope/,
    ],
    ['repeated keys', { ...rubric, items: [item, item] }, /keys repeat: fit/],
    ['a missing English label', { ...rubric, labels: { de: 'R' } }, /r1\.json: [\s\S]*labels\.en/],
    ['an id unlike the file name', { ...rubric, id: 'other' }, /id "other" differs/],
  ])('refuses %s, naming the file', async (_what, body, message) => {
    const dir = await rubricDir({ 'r1.json': body });
    const error = await loadRubrics(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RubricError);
    expect((error as Error).message).toContain(join(dir, 'r1.json'));
    expect((error as Error).message).toMatch(message);
  });
});
