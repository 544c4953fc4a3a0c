import type { AnnotationTarget, AnnotationValue } from '../domain/annotation.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import type { Rubric, RubricItem, Rubrics } from './rubric.js';

/** Which part of an annotation request was wrong. */
export type AnnotationField = 'rubric' | 'key' | 'value' | 'scope' | 'target';

/** An annotation that does not fit its rubric or its run; `field` names the part. */
export class AnnotationRefusal extends Error {
  override readonly name = 'AnnotationRefusal';
  constructor(
    readonly field: AnnotationField,
    message: string,
    readonly allowed?: readonly unknown[],
  ) {
    super(message);
  }
}

/** The longest text value or note, in characters. */
export const MAX_ANNOTATION_TEXT = 4_000;

const isOutput = (itemType: string) => itemType.startsWith('output_');

/** The rubric and its item; a refusal naming `rubric` or `key` when either is unknown. */
export function rubricItem(rubrics: Rubrics, rubricId: string, key: string): [Rubric, RubricItem] {
  const rubric = rubrics.get(rubricId);
  if (!rubric)
    throw new AnnotationRefusal('rubric', `no rubric "${rubricId}"`, [...rubrics.keys()]);
  const item = rubric.items.find((i) => i.key === key);
  if (!item)
    throw new AnnotationRefusal(
      'key',
      `rubric "${rubric.id}" has no item "${key}"`,
      rubric.items.map((i) => i.key),
    );
  return [rubric, item];
}

/** `value` when it fits the item's type (and values or range); a refusal naming `value` otherwise. */
export function checkValue(item: RubricItem, value: unknown): AnnotationValue {
  const refuse = (what: string, allowed?: readonly unknown[]): never => {
    throw new AnnotationRefusal('value', `"${item.key}" takes ${what}`, allowed);
  };
  switch (item.type) {
    case 'nominal':
    case 'ordinal': {
      const allowed = item.values!.map((v) => v.value);
      if (typeof value !== 'string' || !allowed.includes(value))
        refuse(`one of ${allowed.join(', ')}`, allowed);
      return value as string;
    }
    case 'interval': {
      const min = item.min ?? -Infinity;
      const max = item.max ?? Infinity;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
        refuse(
          `a number${item.min !== undefined ? ` from ${min}` : ''}${item.max !== undefined ? ` to ${max}` : ''}`,
        );
      return value as number;
    }
    case 'boolean':
      if (typeof value !== 'boolean') refuse('true or false');
      return value as boolean;
    case 'text':
      if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ANNOTATION_TEXT)
        refuse(`a text of 1 to ${MAX_ANNOTATION_TEXT} characters`);
      return value as string;
  }
}

/**
 * The target when it fits the item's scope and names something in the run: none for `run`, an
 * output (`loop_iteration` or an output's `sequence_number`) for `output`, an item of the
 * scope's type (`sequence_number`) otherwise. A refusal names `target` (missing, extra, not in
 * the run) or `scope` (names something of another kind).
 */
export function checkTarget(
  item: RubricItem,
  record: ExecutionRecord,
  target: AnnotationTarget | null | undefined,
): AnnotationTarget | null {
  if (item.scope === 'run') {
    if (target)
      throw new AnnotationRefusal('target', `"${item.key}" judges the whole run: send no target`);
    return null;
  }
  if (!target)
    throw new AnnotationRefusal(
      'target',
      item.scope === 'output'
        ? `"${item.key}" judges one output: send target {"loop_iteration": n}`
        : `"${item.key}" judges one ${item.scope} item: send target {"sequence_number": n}`,
    );
  if ('loop_iteration' in target) {
    if (item.scope !== 'output')
      throw new AnnotationRefusal(
        'scope',
        `"${item.key}" judges ${item.scope} items, not outputs: send target {"sequence_number": n}`,
      );
    const found = record.items.some(
      (i) => isOutput(i.item_type) && i.loop_iteration === target.loop_iteration,
    );
    if (!found)
      throw new AnnotationRefusal(
        'target',
        `the run has no output of loop_iteration ${target.loop_iteration}`,
      );
    return target;
  }
  const found = record.items.find((i) => i.sequence_number === target.sequence_number);
  if (!found)
    throw new AnnotationRefusal('target', `the run has no item ${target.sequence_number}`);
  const fits = item.scope === 'output' ? isOutput(found.item_type) : found.item_type === item.scope;
  if (!fits)
    throw new AnnotationRefusal(
      'scope',
      `"${item.key}" judges ${item.scope === 'output' ? 'outputs' : `${item.scope} items`}; item ${target.sequence_number} is ${found.item_type}`,
    );
  return target;
}
