import type { Annotation, AnnotationTarget, AnnotationValue } from '../domain/annotation.js';
import { cohenKappa, fleissKappa, krippendorffAlpha, type AlphaMetric } from './agreement.js';
import type { RubricItem } from './rubric.js';

/** A unit the reviewers judged differently: its run, its target, each reviewer's value. */
export interface Disagreement {
  execution_id: string;
  target: AnnotationTarget | null;
  values: Record<string, AnnotationValue>;
}

/** The agreement of every reviewer on one rubric item. */
export interface AgreementReport {
  /** Units (run and target) with at least one value. */
  units: number;
  /** Units with two values or more: the ones the figures rest on. */
  pairable_units: number;
  reviewers: string[];
  metric: AlphaMetric;
  krippendorff_alpha: number | null;
  fleiss_kappa: number | null;
  /** Only with exactly two reviewers; null otherwise. */
  cohen_kappa: number | null;
  disagreements: Disagreement[];
}

/** The alpha metric of a rubric item's type; null for text items, which have no agreement figure. */
export function metricOf(item: RubricItem): AlphaMetric | null {
  switch (item.type) {
    case 'nominal':
    case 'boolean':
      return 'nominal';
    case 'ordinal':
      return 'ordinal';
    case 'interval':
      return 'interval';
    case 'text':
      return null;
  }
}

/**
 * The agreement figures of one rubric item's annotations (deleted ones left out; of several
 * by one reviewer on one unit, the latest counts). Units are ordered by run and target.
 */
export function agreementReport(
  annotations: readonly Annotation[],
  item: RubricItem,
  metric: AlphaMetric,
): AgreementReport {
  const units = new Map<
    string,
    { execution_id: string; target: AnnotationTarget | null; by: Map<string, Annotation> }
  >();
  for (const a of annotations) {
    if (a.deleted_at !== null || a.key !== item.key) continue;
    const id = `${a.execution_id} ${JSON.stringify(a.target)}`;
    const unit = units.get(id) ?? { execution_id: a.execution_id, target: a.target, by: new Map() };
    units.set(id, unit);
    const seen = unit.by.get(a.reviewer);
    if (!seen || seen.updated_at <= a.updated_at) unit.by.set(a.reviewer, a);
  }
  const ordered = [...units.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, u]) => u);
  const reviewers = [...new Set(ordered.flatMap((u) => [...u.by.keys()]))].sort();
  const data = ordered.map((u) => [...u.by.values()].map((a) => a.value));
  const order = item.type === 'ordinal' ? item.values!.map((v) => v.value) : undefined;
  const cohen = () => {
    const [a, b] = reviewers as [string, string];
    const pairs = ordered.flatMap((u) =>
      u.by.has(a) && u.by.has(b) ? [[u.by.get(a)!.value, u.by.get(b)!.value] as const] : [],
    );
    return cohenKappa(pairs);
  };
  return {
    units: ordered.length,
    pairable_units: data.filter((d) => d.length >= 2).length,
    reviewers,
    metric,
    krippendorff_alpha: krippendorffAlpha(data, metric, order),
    fleiss_kappa: fleissKappa(data),
    cohen_kappa: reviewers.length === 2 ? cohen() : null,
    disagreements: ordered
      .filter((u) => new Set([...u.by.values()].map((a) => JSON.stringify(a.value))).size > 1)
      .map((u) => ({
        execution_id: u.execution_id,
        target: u.target,
        values: Object.fromEntries([...u.by].map(([r, a]) => [r, a.value])),
      })),
  };
}
