import { randomBytes } from 'node:crypto';
import type { Annotation } from '../../src/domain/annotation.js';

/** An annotation of `executionId` (a boolean `surprise` judgment of the run), with `overrides`. */
export function buildAnnotation(
  executionId: string,
  overrides: Partial<Annotation> = {},
): Annotation {
  const at = overrides.created_at ?? new Date().toISOString();
  return {
    annotation_id: `ann_${randomBytes(8).toString('hex')}`,
    execution_id: executionId,
    rubric: 'child_idea',
    rubric_version: '1.0',
    key: 'surprise',
    target: null,
    value: true,
    note: null,
    reviewer: 'reviewer-1',
    created_at: at,
    updated_at: at,
    deleted_at: null,
    history: [],
    ...overrides,
  };
}
