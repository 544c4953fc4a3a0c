import { h } from '../dom.js';
import { label, rt } from '../review-i18n.js';
import { answers, choicesOf, type Question } from '../review-questions.js';
import type { Annotation, AnnotationValue, RubricItem } from '../review-settings.js';

/** What the form shows: the questions, the annotations the caller may see, who judges. */
export interface ReviewFormModel {
  rubric: string;
  questions: Question[];
  /** The run's annotations the caller may see (in blind mode: their own until they judged). */
  annotations: Annotation[];
  reviewer: string | null;
  /** False in blind mode until the caller judged the run on the rubric: others' values stay hidden. */
  revealed: boolean;
}

/** A value as people read it: the rubric's label, yes/no, the number or the text. */
export function valueLabel(item: RubricItem, value: AnnotationValue): string {
  if (typeof value === 'boolean') return value ? rt('review.yes') : rt('review.no');
  const known = item.values?.find((v) => v.value === value);
  return known ? label(known.labels) : String(value);
}

/** The caller's own live annotation answering `q`, if any. */
export function ownAnswer(model: ReviewFormModel, q: Question): Annotation | undefined {
  return model.annotations.find(
    (a) => a.reviewer === model.reviewer && answers(a, model.rubric, q),
  );
}

function targetLabel(q: Question): string | null {
  if (!q.target) return null;
  return 'loop_iteration' in q.target
    ? rt('review.target.output', { n: q.target.loop_iteration })
    : rt('review.target.item', { n: q.target.sequence_number });
}

function input(q: Question, n: number, own: Annotation | undefined): HTMLElement {
  const choices = choicesOf(q.item);
  const name = `q-${n}`;
  if (choices)
    return h(
      'div',
      { class: 'choices' },
      choices.map((c, i) =>
        h(
          'label',
          { class: 'choice' },
          h('input', {
            type: 'radio',
            name,
            value: String(i),
            checked: own !== undefined && own.value === c.value,
          }),
          // A number that is its own key shows once (the key of 1–7 is the value).
          c.value === i + 1
            ? h('kbd', {}, i + 1)
            : [
                h('kbd', { 'aria-hidden': 'true' }, i + 1),
                c.labels ? label(c.labels) : valueLabel(q.item, c.value),
              ],
        ),
      ),
    );
  const id = `${name}-input`;
  if (q.item.type === 'text')
    return h(
      'div',
      {},
      h('label', { for: id }, rt('review.text')),
      h(
        'textarea',
        { id, rows: 2, maxlength: 4000 },
        typeof own?.value === 'string' ? own.value : '',
      ),
    );
  return h(
    'div',
    {},
    h(
      'label',
      { for: id },
      rt('review.number', { min: q.item.min ?? '–', max: q.item.max ?? '–' }),
    ),
    h('input', {
      id,
      type: 'number',
      step: 'any',
      min: q.item.min,
      max: q.item.max,
      value: typeof own?.value === 'number' ? own.value : null,
    }),
  );
}

function others(model: ReviewFormModel, q: Question): Node {
  if (!model.revealed) return h('p', { class: 'hint others' }, rt('review.hidden'));
  const theirs = model.annotations.filter(
    (a) => a.reviewer !== model.reviewer && answers(a, model.rubric, q),
  );
  return h(
    'p',
    { class: 'hint others' },
    `${rt('review.others')}: `,
    theirs.length === 0
      ? rt('review.noneYet')
      : theirs.flatMap((a, i) => [
          i > 0 ? ' · ' : '',
          h('span', { class: 'other' }, `${a.reviewer}: ${valueLabel(q.item, a.value)}`),
        ]),
  );
}

/** The review form: one fieldset per question (radio choices with their key, or an input). */
export function reviewForm(model: ReviewFormModel, current: number): HTMLFormElement {
  return h(
    'form',
    { class: 'review-form', novalidate: true },
    model.questions.map((q, n) => {
      const own = ownAnswer(model, q);
      const target = targetLabel(q);
      return h(
        'fieldset',
        { class: `question${n === current ? ' current' : ''}`, id: `q-${n}`, 'data-q': n },
        h(
          'legend',
          {},
          label(q.item.labels),
          target && h('span', { class: 'q-target' }, ` – ${target}`),
        ),
        q.subject?.content &&
          q.item.scope !== 'output' &&
          h('blockquote', { class: 'q-subject' }, q.subject.content),
        input(q, n, own),
        own &&
          h('p', { class: 'saved' }, `${rt('review.yours')}: ${valueLabel(q.item, own.value)}`),
        others(model, q),
      );
    }),
  );
}

/** The value chosen or typed in question `n`'s fieldset; null when none. */
export function readValue(q: Question, fieldset: Element): AnnotationValue | null {
  const choices = choicesOf(q.item);
  if (choices) {
    const checked = fieldset.querySelector<HTMLInputElement>('input[type=radio]:checked');
    return checked ? choices[Number(checked.value)]!.value : null;
  }
  if (q.item.type === 'text') {
    const text = fieldset.querySelector('textarea')!.value.trim();
    return text === '' ? null : text;
  }
  const raw = fieldset.querySelector<HTMLInputElement>('input[type=number]')!.value;
  return raw === '' || !Number.isFinite(Number(raw)) ? null : Number(raw);
}
