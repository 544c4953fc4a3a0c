import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/domain/annotation.js';
import { loadRubrics } from '../../src/review/rubric-loader.js';
import type { RubricItem } from '../../src/review/rubric.js';
import { answers, choicesOf, questionsFor } from '../../web/src/review-questions.js';
import type { Item } from '../../web/src/types.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { buildItem } from '../helpers/record-builder.js';
import { CONFIGS_DIR } from '../helpers/test-app.js';

const rubric = (await loadRubrics(join(CONFIGS_DIR, 'rubrics'))).get('child_idea')!;

/** A run with two image outputs (loop 1 produced, loop 2 blocked) and one interception result. */
const ITEMS = [
  buildItem(1, 'pipeline_start', 0),
  buildItem(2, 'interception_final', 2, { content: 'Ein Drache aus Wolken' }),
  buildItem(4, 'output_image', 4, { loop_iteration: 1, media_type: 'image' }),
  buildItem(3, 'stage3_blocked', 3, { loop_iteration: 2 }),
  buildItem(5, 'pipeline_complete', 5),
] as Item[];

const item = (overrides: Partial<RubricItem>): RubricItem => ({
  key: 'x',
  type: 'interval',
  scope: 'run',
  labels: { de: 'x', en: 'x' },
  ...overrides,
});

describe('questionsFor', () => {
  it('asks each rubric item once per thing its scope names: the run, each produced output, each item of the type', () => {
    const questions = questionsFor(rubric, ITEMS);
    expect(questions.map((q) => [q.id, q.target, q.subject?.sequence_number ?? null])).toEqual([
      ['faithfulness@loop1', { loop_iteration: 1 }, 4],
      ['creativity@item2', { sequence_number: 2 }, 2],
      ['age_fit@loop1', { loop_iteration: 1 }, 4],
      ['block_judgment', null, null],
      ['output_quality@loop1', { loop_iteration: 1 }, 4],
      ['surprise', null, null],
      ['comment', null, null],
    ]);
  });

  it('asks output questions of none when the run produced nothing', () => {
    const textOnly = ITEMS.filter((i) => !i.item_type.startsWith('output_'));
    expect(questionsFor(rubric, textOnly).map((q) => q.id)).not.toContain('faithfulness@loop1');
  });
});

describe('choicesOf', () => {
  it('lists the rubric’s values, yes and no, or a small integer range; free input otherwise', () => {
    const faithfulness = rubric.items.find((i) => i.key === 'faithfulness')!;
    expect(choicesOf(faithfulness)!.map((c) => c.value)).toEqual([
      'lost',
      'partly',
      'mostly',
      'fully',
    ]);
    expect(choicesOf(item({ type: 'boolean' }))!.map((c) => c.value)).toEqual([true, false]);
    expect(choicesOf(item({ min: 1, max: 7 }))!.map((c) => c.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(choicesOf(item({ min: 0, max: 9 }))).toBeNull(); // ten values: more than keys 1–9
    expect(choicesOf(item({ min: 0, max: 1.5 }))).toBeNull();
    expect(choicesOf(item({ min: 0 }))).toBeNull();
    expect(choicesOf(item({ type: 'text' }))).toBeNull();
  });
});

describe('answers', () => {
  it('matches an annotation to its question by rubric, key and target, live ones only', () => {
    const [q] = questionsFor(rubric, ITEMS);
    const base: Partial<Annotation> = { key: 'faithfulness', target: { loop_iteration: 1 } };
    expect(answers(buildAnnotation('exec_x', base), 'child_idea', q!)).toBe(true);
    expect(answers(buildAnnotation('exec_x', { ...base, rubric: 'other' }), 'child_idea', q!)).toBe(
      false,
    );
    expect(
      answers(
        buildAnnotation('exec_x', { ...base, target: { loop_iteration: 2 } }),
        'child_idea',
        q!,
      ),
    ).toBe(false);
    expect(
      answers(
        buildAnnotation('exec_x', { ...base, deleted_at: '2026-01-01T00:00:00Z' }),
        'child_idea',
        q!,
      ),
    ).toBe(false);
  });
});
