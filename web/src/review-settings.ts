import { api, currentSession } from './api.js';
import type { Rubric } from '../../src/review/rubric.js';
import type { QueueState } from '../../src/review/review-queue.js';

export type { Rubric, RubricItem } from '../../src/review/rubric.js';
export type { Annotation, AnnotationTarget, AnnotationValue } from '../../src/domain/annotation.js';
export type { AgreementReport } from '../../src/review/agreement-report.js';
export type { QueueProgress, QueueState } from '../../src/review/review-queue.js';

/** What a review queue is, as the page's address carries it (`?rubric=&blind=&reviewers_per_run=&<filters>`). */
export interface QueueSettings {
  rubric: string | null;
  blind: boolean;
  reviewersPerRun: number;
  /** The list filters of the queue (`config=dada`, …), passed on as they are. */
  filters: URLSearchParams;
}

const OWN = new Set(['rubric', 'blind', 'reviewers_per_run']);
const NAME_KEY = 'eh-reviewer';

/** The queue settings of `search` (default: blind, two reviewers per run, no filters). */
export function readSettings(search: string): QueueSettings {
  const params = new URLSearchParams(search);
  const filters = new URLSearchParams();
  for (const [k, v] of params) if (!OWN.has(k) && v !== '') filters.append(k, v);
  const per = Number(params.get('reviewers_per_run'));
  return {
    rubric: params.get('rubric'),
    blind: params.get('blind') !== '0',
    reviewersPerRun: Number.isInteger(per) && per >= 1 && per <= 50 ? per : 2,
    filters,
  };
}

/** The query string of `settings` for a page address. */
export function settingsQuery(settings: QueueSettings): string {
  const q = new URLSearchParams(settings.filters);
  if (settings.rubric) q.set('rubric', settings.rubric);
  q.set('blind', settings.blind ? '1' : '0');
  q.set('reviewers_per_run', String(settings.reviewersPerRun));
  return q.toString();
}

/** Who judges: the session's name, or on a server without tokens the name given in this browser. */
export function reviewerName(): string | null {
  const session = currentSession();
  if (!session.open) return session.name;
  return localStorage.getItem(NAME_KEY);
}

/** Remembers the reviewer's name on a server without tokens. */
export const rememberReviewer = (name: string): void => localStorage.setItem(NAME_KEY, name);

/** `?reviewer=` for API calls on a server without tokens (the token names the reviewer otherwise). */
export function reviewerQuery(): string {
  const name = reviewerName();
  return currentSession().open && name ? `reviewer=${encodeURIComponent(name)}` : '';
}

/** The rubrics the server knows. */
export async function loadRubrics(): Promise<Rubric[]> {
  return (await api<{ rubrics: Rubric[] }>('/api/rubrics')).body.rubrics;
}

/** The caller's state in the queue of `settings`. */
export async function queueOf(settings: QueueSettings & { rubric: string }): Promise<QueueState> {
  const q = new URLSearchParams(settings.filters);
  q.set('rubric', settings.rubric);
  q.set('reviewers_per_run', String(settings.reviewersPerRun));
  const who = reviewerQuery();
  return (await api<QueueState>(`/api/review/queue?${q}${who ? `&${who}` : ''}`)).body;
}
