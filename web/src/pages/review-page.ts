import { api, currentSession } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, type Cleanup } from '../nav.js';
import { label, rt } from '../review-i18n.js';
import { listenForReviewKeys } from '../review-keys.js';
import { questionsFor } from '../review-questions.js';
import {
  fieldset,
  loadAnnotations,
  loadQueue,
  next,
  save,
  type ReviewState,
} from '../review-session.js';
import { loadRubrics, readSettings, reviewerName, settingsQuery } from '../review-settings.js';
import type { RunRecord } from '../types.js';
import { reviewContext } from '../views/review-context.js';
import { ownAnswer, reviewForm } from '../views/review-form.js';
import { keyLegend, queueLine } from '../views/review-parts.js';

/** The review mode of one run: the rubric's questions beside the run, driven by the keyboard. */
export async function reviewPage(main: HTMLElement, id: string): Promise<Cleanup> {
  replace(main, h('p', { class: 'hint' }, t('run.loading')));
  const settings = readSettings(location.search);
  const [res, rubrics] = await Promise.all([
    api<RunRecord>(`/api/executions/${id}`),
    loadRubrics(),
  ]);
  const rubric = rubrics.find((r) => r.id === settings.rubric) ?? rubrics[0];
  document.title = `${rt('review.title')} ${id} · execution-history`;
  if (res.status !== 200 || !rubric) {
    replace(
      main,
      h('h1', {}, rt('review.title')),
      h('p', { class: 'problem' }, rubric ? t('run.notFound') : rt('agree.noRubrics')),
    );
    return () => undefined;
  }
  if (currentSession().open && !reviewerName()) {
    navigate(`/review?${settingsQuery(settings)}`);
    return () => undefined;
  }
  const s: ReviewState = {
    main,
    record: res.body,
    rubric,
    settings: { ...settings, rubric: rubric.id },
    model: {
      rubric: rubric.id,
      questions: questionsFor(rubric, res.body.items),
      annotations: [],
      reviewer: reviewerName(),
      revealed: !settings.blind,
    },
    current: 0,
    media: new Map(),
    queue: null,
    status: null,
    skipArmed: false,
    busy: false,
    // After saving, focus waits on "next run" (so keys never land in a text answer).
    rerender: () => {
      render(main, s);
      main.querySelector<HTMLElement>('#review-next')?.focus();
    },
  };
  await Promise.all([loadAnnotations(s), loadQueue(s)]);
  s.current = Math.max(
    0,
    s.model.questions.findIndex((q) => !ownAnswer(s.model, q)),
  );
  render(main, s);
  focusQuestion(s, true);
  const stop = listenForReviewKeys({
    pick: (n) => pick(s, n),
    move: (by) => {
      s.current = Math.min(s.model.questions.length - 1, Math.max(0, s.current + by));
      markCurrent(s);
      focusQuestion(s);
    },
    submit: () => void save(s),
    next: () => void next(s),
  });
  main.addEventListener('focusin', onFocus);
  function onFocus(e: FocusEvent) {
    const n = (e.target as Element).closest<HTMLElement>('fieldset.question')?.dataset.q;
    if (n !== undefined && Number(n) !== s.current) {
      s.current = Number(n);
      markCurrent(s);
    }
  }
  return () => {
    stop();
    main.removeEventListener('focusin', onFocus);
  };
}

function render(main: HTMLElement, s: ReviewState): void {
  const whole = `/runs/${s.record.execution_id}`;
  replace(
    main,
    h(
      'div',
      { class: 'run-head' },
      h('h1', {}, `${rt('review.title')}: ${label(s.rubric.labels)}`),
      h('p', { class: 'run-id' }, h('code', {}, s.record.execution_id)),
    ),
    h(
      'p',
      { class: 'links' },
      h(
        'span',
        { class: 'hint', id: 'reviewing-as' },
        rt('review.as', { name: s.model.reviewer ?? '–' }),
      ),
      h('span', { class: 'hint' }, s.settings.blind ? rt('review.blindOn') : rt('review.blindOff')),
      h('a', { href: whole, 'data-link': true }, rt('review.whole')),
    ),
    s.queue && queueLine(s.queue),
    h(
      'div',
      { class: 'review-layout' },
      reviewContext(s.record, s.media),
      h(
        'section',
        { class: 'card review-questions', 'aria-labelledby': 'h-review-questions' },
        h('h2', { id: 'h-review-questions' }, rt('review.questions')),
        s.model.questions.length === 0
          ? h('p', { class: 'hint' }, rt('review.noQuestions'))
          : reviewForm(s.model, s.current),
        h(
          'div',
          { class: 'review-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              id: 'review-save',
              onclick: () => void save(s),
            },
            rt('review.submit'),
          ),
          h(
            'button',
            { type: 'button', id: 'review-next', onclick: () => void next(s) },
            rt('review.next'),
          ),
        ),
        h(
          'p',
          {
            class: s.status?.problem ? 'problem' : 'hint',
            id: 'review-status',
            role: 'status',
            'aria-live': 'polite',
          },
          s.status?.text ?? '',
        ),
        keyLegend(),
      ),
    ),
  );
  const form = main.querySelector('form.review-form');
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    void save(s);
  });
}

function markCurrent(s: ReviewState): void {
  document
    .querySelectorAll('fieldset.question.current')
    .forEach((f) => f.classList.remove('current'));
  fieldset(s.current)?.classList.add('current');
}

function focusQuestion(s: ReviewState, preventScroll = false): void {
  const f = fieldset(s.current);
  const target =
    f?.querySelector<HTMLElement>('input[type=radio]:checked') ??
    f?.querySelector<HTMLElement>('input, textarea');
  target?.focus({ preventScroll });
}

function pick(s: ReviewState, n: number): void {
  const radios = fieldset(s.current)?.querySelectorAll<HTMLInputElement>('input[type=radio]');
  const radio = radios?.[n];
  if (!radio) return;
  radio.checked = true;
  radio.focus();
  s.skipArmed = false;
}
