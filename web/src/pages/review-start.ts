import { ApiError, currentSession } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, type Cleanup } from '../nav.js';
import { label, rt } from '../review-i18n.js';
import { listenForReviewKeys } from '../review-keys.js';
import {
  loadRubrics,
  queueOf,
  readSettings,
  rememberReviewer,
  reviewerName,
  settingsQuery,
  type QueueSettings,
} from '../review-settings.js';
import { keyLegend, queueLine } from '../views/review-parts.js';

/** The start of a review queue: its rubric, reviewers per run, blind mode; the caller's progress. */
export async function reviewStart(main: HTMLElement): Promise<Cleanup> {
  document.title = `${rt('start.title')} · execution-history`;
  replace(main, h('p', { class: 'hint' }, t('run.loading')));
  const rubrics = await loadRubrics();
  const settings = readSettings(location.search);
  settings.rubric = rubrics.find((r) => r.id === settings.rubric)?.id ?? rubrics[0]?.id ?? null;
  if (!settings.rubric) {
    replace(
      main,
      h('h1', {}, rt('start.title')),
      h('p', { class: 'problem' }, rt('agree.noRubrics')),
    );
    return () => undefined;
  }
  const open = currentSession().open;
  const field = (id: string, text: string, control: HTMLElement) =>
    h('div', {}, h('label', { for: id }, text), control);
  const rubricSelect = h(
    'select',
    { id: 'rv-rubric' },
    rubrics.map((r) =>
      h('option', { value: r.id, selected: r.id === settings.rubric }, label(r.labels)),
    ),
  );
  const per = h('input', {
    id: 'rv-per',
    type: 'number',
    min: 1,
    max: 50,
    value: settings.reviewersPerRun,
  });
  const blind = h('input', { id: 'rv-blind', type: 'checkbox', checked: settings.blind });
  const name = h('input', {
    id: 'rv-name',
    type: 'text',
    autocomplete: 'name',
    value: reviewerName() ?? '',
    maxlength: 128,
  });
  const problem = h('p', { class: 'problem', role: 'alert' });
  const progress = h('div', { 'aria-live': 'polite' });
  const filters = [...settings.filters].map(([k, v]) => `${k}=${v}`).join(', ');

  const current = (): QueueSettings & { rubric: string } => ({
    ...settings,
    rubric: rubricSelect.value,
    reviewersPerRun: Math.min(50, Math.max(1, Math.round(Number(per.value)) || 2)),
    blind: blind.checked,
  });
  const show = async (go: boolean) => {
    problem.textContent = '';
    const chosen = current();
    if (open) {
      if (name.value.trim() === '') {
        if (go) problem.textContent = rt('review.needsName');
        return;
      }
      rememberReviewer(name.value.trim());
    }
    history.replaceState(null, '', `/review?${settingsQuery(chosen)}`);
    try {
      const queue = await queueOf(chosen);
      if (go && queue.next) return navigate(`/review/${queue.next}?${settingsQuery(chosen)}`);
      replace(
        progress,
        queueLine(queue),
        !queue.next && h('p', { class: 'done', id: 'queue-done' }, rt('start.done')),
      );
    } catch (error) {
      problem.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };

  replace(
    main,
    h('h1', {}, rt('start.title')),
    h('p', {}, rt('start.text')),
    h(
      'form',
      {
        class: 'filters review-start',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void show(true);
        },
      },
      field('rv-rubric', rt('start.rubric'), rubricSelect),
      field('rv-per', rt('start.perRun'), per),
      open && field('rv-name', rt('start.reviewer'), name),
      h('div', { class: 'check' }, blind, h('label', { for: 'rv-blind' }, rt('start.blind'))),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'rv-go' }, rt('start.go')),
      ),
    ),
    open && h('p', { class: 'hint' }, rt('start.reviewerHint')),
    h('p', { class: 'hint' }, filters ? rt('start.filters', { filters }) : rt('start.noFilters')),
    problem,
    progress,
    h(
      'p',
      {},
      h(
        'a',
        { href: `/agreement?${settingsQuery(current())}`, 'data-link': true },
        rt('nav.agreement'),
      ),
    ),
    keyLegend(),
  );
  await show(false);
  return listenForReviewKeys({
    pick: () => undefined,
    move: () => undefined,
    submit: () => void show(true),
    next: () => void show(true),
  });
}
