import type { Annotation } from '../domain/annotation.js';

/** A review queue: the runs a filter lists, judged on one rubric by `reviewersPerRun` reviewers each. */
export interface QueueSpec {
  rubric: string;
  reviewersPerRun: number;
}

/** Where a reviewer stands in a queue, and the run to judge next (null: nothing left). */
export interface QueueState {
  next: string | null;
  /** Runs this reviewer judged (at least one live annotation on the rubric). */
  judged: number;
  /** Runs still open to this reviewer: not judged by them, fewer than the wanted reviewers. */
  open: number;
  /** Runs judged by the wanted number of reviewers. */
  complete: number;
  total: number;
}

/** The reviewers with a live annotation on the rubric, per run. */
function reviewersByRun(
  annotations: readonly Annotation[],
  rubric: string,
): Map<string, Set<string>> {
  const by = new Map<string, Set<string>>();
  for (const a of annotations) {
    if (a.deleted_at !== null || a.rubric !== rubric) continue;
    const set = by.get(a.execution_id) ?? new Set<string>();
    set.add(a.reviewer);
    by.set(a.execution_id, set);
  }
  return by;
}

/**
 * The reviewer's state in the queue over `runIds` (in queue order): the next run is the first
 * one they have not judged that still lacks reviewers, the least judged first.
 */
export function queueState(
  runIds: readonly string[],
  annotations: readonly Annotation[],
  spec: QueueSpec,
  reviewer: string,
): QueueState {
  const by = reviewersByRun(annotations, spec.rubric);
  const count = (id: string) => by.get(id)?.size ?? 0;
  const open = runIds.filter(
    (id) => !by.get(id)?.has(reviewer) && count(id) < spec.reviewersPerRun,
  );
  const next = [...open].sort((a, b) => count(a) - count(b))[0] ?? null;
  return {
    next,
    judged: runIds.filter((id) => by.get(id)?.has(reviewer)).length,
    open: open.length,
    complete: runIds.filter((id) => count(id) >= spec.reviewersPerRun).length,
    total: runIds.length,
  };
}

/**
 * Blind mode: what `reviewer` may see of a run's annotations on `rubric` — their own only, until
 * they have submitted one on that rubric; then all. Annotations on other rubrics are unaffected.
 */
export function blindView(
  annotations: readonly Annotation[],
  rubric: string,
  reviewer: string,
): Annotation[] {
  const submitted = annotations.some(
    (a) => a.rubric === rubric && a.reviewer === reviewer && a.deleted_at === null,
  );
  return annotations.filter((a) => submitted || a.rubric !== rubric || a.reviewer === reviewer);
}

/** One reviewer's progress in a queue: the runs of it they judged. */
export interface ReviewerProgress {
  reviewer: string;
  judged: number;
}

/** The progress of every reviewer in a queue, and how many of its runs are judged by enough reviewers. */
export interface QueueProgress {
  total: number;
  /** Runs judged by the wanted number of reviewers. */
  complete: number;
  /** Every reviewer with a live annotation on the rubric for a run of the queue, by name. */
  reviewers: ReviewerProgress[];
}

/** The progress per reviewer in the queue over `runIds` (reviewers sorted by name). */
export function queueProgress(
  runIds: readonly string[],
  annotations: readonly Annotation[],
  spec: QueueSpec,
): QueueProgress {
  const by = reviewersByRun(annotations, spec.rubric);
  const judged = new Map<string, number>();
  let complete = 0;
  for (const id of runIds) {
    const reviewers = by.get(id);
    if (!reviewers) continue;
    if (reviewers.size >= spec.reviewersPerRun) complete++;
    for (const r of reviewers) judged.set(r, (judged.get(r) ?? 0) + 1);
  }
  return {
    total: runIds.length,
    complete,
    reviewers: [...judged]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reviewer, n]) => ({ reviewer, judged: n })),
  };
}
