import { api, ApiError, currentSession } from './api.js';
import { navigate } from './nav.js';
import { rt } from './review-i18n.js';
import type { Question } from './review-questions.js';
import {
  queueOf,
  reviewerQuery,
  settingsQuery,
  type Annotation,
  type AnnotationValue,
  type QueueSettings,
  type QueueState,
  type Rubric,
} from './review-settings.js';
import type { RunRecord } from './types.js';
import { ownAnswer, readValue, type ReviewFormModel } from './views/review-form.js';

/** One run under review: what is shown, what is chosen, what the page is doing. */
export interface ReviewState {
  main: HTMLElement;
  record: RunRecord;
  rubric: Rubric;
  settings: QueueSettings & { rubric: string };
  model: ReviewFormModel;
  /** The question the value keys act on. */
  current: number;
  media: Map<number, HTMLElement>;
  queue: QueueState | null;
  status: { text: string; problem: boolean } | null;
  /** `n` pressed once with unsaved choices: a second `n` moves on. */
  skipArmed: boolean;
  busy: boolean;
  /** Draws the page again from the state (after saving). */
  rerender: () => void;
}

/** The fieldset of question `n` on the page. */
export const fieldset = (n: number): HTMLFieldSetElement | null =>
  document.querySelector<HTMLFieldSetElement>(`fieldset#q-${n}`);

/** The caller's progress in the queue (null where they may not have one, e.g. a viewer). */
export async function loadQueue(s: ReviewState): Promise<void> {
  s.queue = await queueOf(s.settings).catch(() => null);
}

/** The run's annotations the caller may see: in blind mode others' only once they judged it. */
export async function loadAnnotations(s: ReviewState): Promise<void> {
  const who = reviewerQuery();
  const blind = s.settings.blind ? `blind=${encodeURIComponent(s.rubric.id)}` : '';
  const query = [blind, who].filter(Boolean).join('&');
  const res = await api<{ annotations: Annotation[] }>(
    `/api/executions/${s.record.execution_id}/annotations${query ? `?${query}` : ''}`,
  );
  s.model.annotations = res.body.annotations;
  s.model.revealed =
    !s.settings.blind ||
    s.model.annotations.some(
      (a) => a.rubric === s.rubric.id && a.reviewer === s.model.reviewer && !a.deleted_at,
    );
}

/** The questions whose chosen value differs from the caller's saved one. */
function changes(s: ReviewState): { q: Question; value: AnnotationValue; own?: Annotation }[] {
  return s.model.questions.flatMap((q, n) => {
    const f = fieldset(n);
    const value = f ? readValue(q, f) : null;
    const own = ownAnswer(s.model, q);
    return value === null || own?.value === value ? [] : [{ q, value, own }];
  });
}

/** Saves every changed answer (POST a new one, PUT a changed one), then shows what others said. */
export async function save(s: ReviewState): Promise<void> {
  if (s.busy) return;
  const todo = changes(s);
  if (todo.length === 0) return setStatus(s, rt('review.nothing'), false);
  s.busy = true;
  const id = s.record.execution_id;
  const reviewer = currentSession().open ? { reviewer: s.model.reviewer } : {};
  try {
    for (const { q, value, own } of todo)
      if (own)
        await api(`/api/executions/${id}/annotations/${own.annotation_id}`, {
          method: 'PUT',
          json: { value, ...reviewer },
        });
      else
        await api(`/api/executions/${id}/annotations`, {
          method: 'POST',
          json: {
            rubric: s.rubric.id,
            key: q.item.key,
            value,
            ...(q.target ? { target: q.target } : {}),
            ...reviewer,
          },
        });
    await Promise.all([loadAnnotations(s), loadQueue(s)]);
    s.skipArmed = false;
    s.status = { text: rt('review.saved', { n: todo.length }), problem: false };
    s.rerender();
  } catch (error) {
    setStatus(s, error instanceof ApiError ? error.message : String(error), true);
  } finally {
    s.busy = false;
  }
}

/** Goes to the next run of the queue (its start page when none is left); asks once about unsaved choices. */
export async function next(s: ReviewState): Promise<void> {
  if (s.busy) return;
  if (changes(s).length > 0 && !s.skipArmed) {
    s.skipArmed = true;
    return setStatus(s, rt('review.unsaved'), true);
  }
  try {
    const queue = await queueOf(s.settings);
    const query = settingsQuery(s.settings);
    navigate(queue.next ? `/review/${queue.next}?${query}` : `/review?${query}`);
  } catch (error) {
    setStatus(s, error instanceof ApiError ? error.message : String(error), true);
  }
}

function setStatus(s: ReviewState, text: string, problem: boolean): void {
  s.status = { text, problem };
  const el = s.main.querySelector('#review-status');
  if (el) {
    el.textContent = text;
    el.className = problem ? 'problem' : 'hint';
  }
}
