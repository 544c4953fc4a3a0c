import type { Annotation, AnnotationTarget, AnnotationValue } from '../../src/domain/annotation.js';
import type { Rubric, RubricItem } from '../../src/review/rubric.js';
import type { Item } from './types.js';

/** One question of the review form: a rubric item, and what in the run it judges. */
export interface Question {
  /** Unique in the form: the key and the target (`faithfulness@loop1`). */
  id: string;
  item: RubricItem;
  target: AnnotationTarget | null;
  /** The run's item the target names (an output, an interception result); null for the run. */
  subject: Item | null;
}

/** A choice of a question answered by picking (nominal, ordinal, boolean, a small integer range). */
export interface Choice {
  value: AnnotationValue;
  /** The rubric's labels, or null where the value speaks for itself (a number, yes/no). */
  labels: { de: string; en: string } | null;
}

const isOutput = (i: Item) => i.item_type.startsWith('output_') && i.loop_iteration != null;

/**
 * The questions a rubric asks of a run, in the rubric's order: one per run-scoped item, one per
 * produced output for output-scoped items, one per item of the scope's type otherwise.
 */
export function questionsFor(rubric: Rubric, items: readonly Item[]): Question[] {
  const sorted = [...items].sort((a, b) => a.sequence_number - b.sequence_number);
  return rubric.items.flatMap((item): Question[] => {
    if (item.scope === 'run') return [{ id: item.key, item, target: null, subject: null }];
    if (item.scope === 'output')
      return sorted.filter(isOutput).map((o) => ({
        id: `${item.key}@loop${o.loop_iteration}`,
        item,
        target: { loop_iteration: o.loop_iteration! },
        subject: o,
      }));
    return sorted
      .filter((i) => i.item_type === item.scope)
      .map((i) => ({
        id: `${item.key}@item${i.sequence_number}`,
        item,
        target: { sequence_number: i.sequence_number },
        subject: i,
      }));
  });
}

/** The largest range of integers shown as choices (keys 1–9 pick them). */
const MAX_RANGE_CHOICES = 9;

/** The choices of an item, or null when it takes free input (text, a wide or open number range). */
export function choicesOf(item: RubricItem): Choice[] | null {
  switch (item.type) {
    case 'nominal':
    case 'ordinal':
      return item.values!.map((v) => ({ value: v.value, labels: v.labels }));
    case 'boolean':
      return [
        { value: true, labels: null },
        { value: false, labels: null },
      ];
    case 'interval': {
      const { min, max } = item;
      if (min === undefined || max === undefined) return null;
      if (!Number.isInteger(min) || !Number.isInteger(max)) return null;
      if (max - min + 1 > MAX_RANGE_CHOICES) return null;
      return Array.from({ length: max - min + 1 }, (_, n) => ({ value: min + n, labels: null }));
    }
    case 'text':
      return null;
  }
}

/** True when annotation `a` answers question `q`. */
export function answers(a: Annotation, rubric: string, q: Question): boolean {
  return (
    a.rubric === rubric &&
    a.key === q.item.key &&
    JSON.stringify(a.target) === JSON.stringify(q.target) &&
    a.deleted_at === null
  );
}
