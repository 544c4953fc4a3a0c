import { randomBytes } from 'node:crypto';
import type { Annotation, AnnotationTarget, AnnotationValue } from '../domain/annotation.js';
import type { Rubric, RubricItem } from './rubric.js';

/** A new annotation id: `ann_` and 16 random hex digits. */
export function newAnnotationId(): string {
  return `ann_${randomBytes(8).toString('hex')}`;
}

/** What a new annotation says, already checked against its rubric and run. */
export interface NewAnnotation {
  executionId: string;
  rubric: Rubric;
  item: RubricItem;
  target: AnnotationTarget | null;
  value: AnnotationValue;
  note: string | null;
  reviewer: string;
}

/** The annotation of a new judgment, made at `now` under the rubric's current version. */
export function createAnnotation(input: NewAnnotation, now: Date): Annotation {
  const at = now.toISOString();
  return {
    annotation_id: newAnnotationId(),
    execution_id: input.executionId,
    rubric: input.rubric.id,
    rubric_version: input.rubric.version,
    key: input.item.key,
    target: input.target,
    value: input.value,
    note: input.note,
    reviewer: input.reviewer,
    created_at: at,
    updated_at: at,
    deleted_at: null,
    history: [],
  };
}

/** The annotation with a new value and note, the old ones kept in its history. */
export function updateAnnotation(
  old: Annotation,
  change: { value: AnnotationValue; note: string | null; rubricVersion: string },
  by: string,
  now: Date,
): Annotation {
  const at = now.toISOString();
  return {
    ...old,
    value: change.value,
    note: change.note,
    rubric_version: change.rubricVersion,
    updated_at: at,
    history: [
      ...old.history,
      { action: 'updated', by, at, old_value: old.value, old_note: old.note },
    ],
  };
}

/** The annotation marked deleted (left out of listings and agreement), its history kept. */
export function deleteAnnotation(old: Annotation, by: string, now: Date): Annotation {
  const at = now.toISOString();
  return {
    ...old,
    deleted_at: at,
    updated_at: at,
    history: [
      ...old.history,
      { action: 'deleted', by, at, old_value: old.value, old_note: old.note },
    ],
  };
}

/** True when `a` is `reviewer`'s live judgment of the same rubric item and target. */
export function sameJudgment(
  a: Annotation,
  rubric: string,
  key: string,
  target: AnnotationTarget | null,
  reviewer: string,
): boolean {
  return (
    a.deleted_at === null &&
    a.reviewer === reviewer &&
    a.rubric === rubric &&
    a.key === key &&
    JSON.stringify(a.target) === JSON.stringify(target)
  );
}
