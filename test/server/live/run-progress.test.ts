import { describe, expect, it } from 'vitest';
import { expectedSteps, stepsOfRecord } from '../../../src/pipeline/run-plan.js';
import { prefersAsync } from '../../../src/server/routes/async-start.js';
import { RunProgress } from '../../../src/server/live/run-progress.js';
import type { ExecutionItem } from '../../../src/domain/execution-item.js';
import { buildItem } from '../../helpers/record-builder.js';

let seq = 0;
const item = (item_type: string, stage: number, extra: Partial<ExecutionItem> = {}) =>
  buildItem(++seq, item_type, stage, extra);

describe('expected steps', () => {
  it('lists stage 1, each Stille Post iteration, the final, and stage 3 and 4 per output', () => {
    expect(expectedSteps({ transformation: 'recursive', iterations: 2 }, 2, true)).toEqual([
      'stage1.safety',
      'stage1.translation',
      'stage2.iteration.1',
      'stage2.iteration.2',
      'stage2.final',
      'stage3.loop.1',
      'stage4.loop.1',
      'stage3.loop.2',
      'stage4.loop.2',
    ]);
    expect(expectedSteps({ transformation: 'single' }, 1, false)).toEqual([
      'stage1.safety',
      'stage1.translation',
      'stage2.final',
      'stage4.loop.1',
    ]);
  });

  it('derives a saved run’s steps from its config and the loops its items show', () => {
    const configs = new Map([
      [
        'dada',
        {
          name: 'dada',
          description: { de: '', en: '' },
          transformation: 'single' as const,
          context: '',
          offline_template: '',
          output_configs: ['sd35_large'],
        },
      ],
    ]);
    const base = { config_name: 'dada', safety_level: 'kids' };
    const ended = [{ loop_iteration: null, item_type: 'pipeline_complete' }];
    expect(stepsOfRecord(configs, { ...base, items: ended })).toHaveLength(3);
    expect(stepsOfRecord(configs, { ...base, items: [] })).toHaveLength(5);
    expect(
      stepsOfRecord(configs, {
        ...base,
        safety_level: 'off',
        items: [{ loop_iteration: 2, item_type: 'output_image' }],
      }),
    ).toHaveLength(5);
  });
});

describe('RunProgress', () => {
  it('counts settled steps; a stage 3 block settles its output’s generation too', () => {
    const p = new RunProgress(expectedSteps({ transformation: 'single' }, 2, true));
    expect(p.state()).toEqual({ stage: 0, step: 'stage1.safety', progress: '0/7' });
    p.apply(item('pipeline_start', 0));
    p.apply(item('stage1_safety_check', 1));
    expect(p.apply(item('translation_result', 1))).toEqual({
      stage: 1,
      step: 'stage2.final',
      progress: '2/7',
    });
    p.apply(item('interception_final', 2));
    p.apply(item('stage3_safety_check', 3, { loop_iteration: 1 }));
    expect(p.apply(item('output_image', 4, { loop_iteration: 1 }))).toMatchObject({
      step: 'stage3.loop.2',
      progress: '5/7',
    });
    p.apply(item('stage3_safety_check', 3, { loop_iteration: 2 }));
    expect(p.apply(item('stage3_blocked', 3, { loop_iteration: 2 }))).toMatchObject({
      progress: '7/7',
    });
    expect(p.apply(item('pipeline_complete', 5))).toEqual({
      stage: 5,
      step: 'done',
      progress: '7/7',
    });
  });

  it('a stage 1 block or a fatal error settles everything; a failed output only its own steps', () => {
    const steps = expectedSteps({ transformation: 'single' }, 2, true);
    const blocked = new RunProgress(steps);
    expect(blocked.apply(item('stage1_blocked', 1))).toMatchObject({ progress: '7/7' });
    const failing = new RunProgress(steps);
    expect(failing.apply(item('pipeline_error', 4, { loop_iteration: 1 }))).toMatchObject({
      progress: '2/7',
      step: 'stage1.safety',
    });
    expect(failing.apply(item('pipeline_error', 2))).toEqual({
      stage: 2,
      step: 'done',
      progress: '7/7',
    });
  });
});

describe('Prefer header', () => {
  it.each([
    ['respond-async', true],
    ['Respond-Async, wait=10', true],
    ['wait=5; respond-async', false],
    ['return=minimal, respond-async;foo', true],
    [undefined, false],
    ['respond-asynchronously', false],
  ])('"%s" asks for an async answer: %s', (header, expected) => {
    expect(prefersAsync(header)).toBe(expected);
  });
});
