import { describe, expect, it } from 'vitest';
import { blindView, queueProgress, queueState } from '../../src/review/review-queue.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';

const RUNS = ['exec_a', 'exec_b', 'exec_c'];
const SPEC = { rubric: 'child_idea', reviewersPerRun: 2 };

describe('queueProgress', () => {
  it('counts the runs each reviewer judged and the runs judged by enough reviewers', () => {
    const annotations = [
      buildAnnotation('exec_a', { reviewer: 'ben' }),
      buildAnnotation('exec_a', { reviewer: 'anna' }),
      buildAnnotation('exec_a', { reviewer: 'anna', key: 'comment', value: 'gut' }),
      buildAnnotation('exec_b', { reviewer: 'anna' }),
      // Left out: deleted, another rubric, a run outside the queue.
      buildAnnotation('exec_c', { reviewer: 'ben', deleted_at: '2026-01-01T00:00:00Z' }),
      buildAnnotation('exec_c', { reviewer: 'carla', rubric: 'other' }),
      buildAnnotation('exec_z', { reviewer: 'dora' }),
    ];
    expect(queueProgress(RUNS, annotations, SPEC)).toEqual({
      total: 3,
      complete: 1,
      reviewers: [
        { reviewer: 'anna', judged: 2 },
        { reviewer: 'ben', judged: 1 },
      ],
    });
  });

  it('is all zero on a queue nobody has judged', () => {
    expect(queueProgress(RUNS, [], SPEC)).toEqual({ total: 3, complete: 0, reviewers: [] });
    expect(queueProgress([], [], SPEC)).toEqual({ total: 0, complete: 0, reviewers: [] });
  });

  it('agrees with each reviewer’s own queue state', () => {
    const annotations = [
      buildAnnotation('exec_a', { reviewer: 'anna' }),
      buildAnnotation('exec_b', { reviewer: 'anna' }),
      buildAnnotation('exec_b', { reviewer: 'ben' }),
    ];
    const progress = queueProgress(RUNS, annotations, SPEC);
    for (const { reviewer, judged } of progress.reviewers) {
      const state = queueState(RUNS, annotations, SPEC, reviewer);
      expect(state).toMatchObject({ judged, complete: progress.complete, total: progress.total });
    }
  });
});

describe('blindView', () => {
  it('shows a reviewer only their own judgments on the rubric until they submitted one', () => {
    const others = buildAnnotation('exec_a', { reviewer: 'ben' });
    const elsewhere = buildAnnotation('exec_a', { reviewer: 'ben', rubric: 'other' });
    expect(blindView([others, elsewhere], 'child_idea', 'anna')).toEqual([elsewhere]);
    const own = buildAnnotation('exec_a', { reviewer: 'anna' });
    expect(blindView([others, elsewhere, own], 'child_idea', 'anna')).toEqual([
      others,
      elsewhere,
      own,
    ]);
  });
});
