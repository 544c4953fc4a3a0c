import type { Annotation } from '../domain/annotation.js';

/** Which annotations `findAnnotations` returns: one rubric, optionally one of its items. */
export interface AnnotationQuery {
  rubric: string;
  key?: string;
}

/**
 * Where annotations live, beside the records they judge (both stores implement it). An
 * annotation exists only while its run does: deleting the run deletes its annotations.
 */
export interface AnnotationStore {
  /** Inserts or replaces the annotation (by `annotation_id`); false when its run is not stored. */
  putAnnotation(annotation: Annotation): Promise<boolean>;
  /** The run's annotations (deleted ones included), oldest first, ties by id. */
  annotationsOf(executionId: string): Promise<Annotation[]>;
  /** Every annotation (deleted ones included) of a rubric or rubric item, oldest first. */
  findAnnotations(query: AnnotationQuery): Promise<Annotation[]>;
  /** Deletes every annotation of the run; how many there were. */
  deleteAnnotations(executionId: string): Promise<number>;
}

/** True when `store` keeps annotations. */
export function hasAnnotations(store: object): store is AnnotationStore {
  const s = store as Partial<AnnotationStore>;
  return (
    typeof s.putAnnotation === 'function' &&
    typeof s.annotationsOf === 'function' &&
    typeof s.findAnnotations === 'function' &&
    typeof s.deleteAnnotations === 'function'
  );
}

/** Oldest first, ties by id: the order every store answers in. */
export function byCreation(a: Annotation, b: Annotation): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.annotation_id < b.annotation_id ? -1 : a.annotation_id > b.annotation_id ? 1 : 0;
}

/** True when `a` answers `query`. */
export function matchesQuery(a: Annotation, query: AnnotationQuery): boolean {
  return a.rubric === query.rubric && (query.key === undefined || a.key === query.key);
}
