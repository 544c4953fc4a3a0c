import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, type Cleanup } from '../nav.js';
import { label, rt } from '../review-i18n.js';
import {
  loadRubrics,
  readSettings,
  settingsQuery,
  type QueueProgress,
  type Rubric,
} from '../review-settings.js';
import { agreementCard, progressCard, type AgreementAnswer } from '../views/agreement-view.js';

/** The agreement page: each rubric item's figures and disagreements, every reviewer's progress. */
export async function agreementPage(main: HTMLElement): Promise<Cleanup> {
  document.title = `${rt('agree.title')} · execution-history`;
  replace(main, h('p', { class: 'hint' }, t('run.loading')));
  const rubrics = await loadRubrics();
  const settings = readSettings(location.search);
  const rubric = rubrics.find((r) => r.id === settings.rubric) ?? rubrics[0];
  if (!rubric) {
    replace(
      main,
      h('h1', {}, rt('agree.title')),
      h('p', { class: 'problem' }, rt('agree.noRubrics')),
    );
    return () => undefined;
  }
  settings.rubric = rubric.id;
  const filters = new URLSearchParams(settings.filters);
  const progressQuery = new URLSearchParams(filters);
  progressQuery.set('rubric', rubric.id);
  progressQuery.set('reviewers_per_run', String(settings.reviewersPerRun));
  let problem = '';
  const [progress, reports] = await Promise.all([
    api<QueueProgress>(`/api/review/progress?${progressQuery}`).then((r) => r.body),
    Promise.all(rubric.items.map((item) => reportOf(rubric, item.key, item.type, filters))),
  ]).catch((error: unknown) => {
    problem = error instanceof ApiError ? error.message : String(error);
    return [null, []] as const;
  });
  replace(
    main,
    h('h1', {}, `${rt('agree.title')}: ${label(rubric.labels)}`),
    h('p', {}, rt('agree.text')),
    chooser(rubrics, rubric, settings.reviewersPerRun),
    h(
      'p',
      { class: 'hint' },
      settings.filters.size > 0
        ? rt('start.filters', {
            filters: [...settings.filters].map(([k, v]) => `${k}=${v}`).join(', '),
          })
        : rt('start.noFilters'),
      ' ',
      h(
        'a',
        { href: `/review?${settingsQuery(settings)}`, 'data-link': true },
        rt('agree.toQueue'),
      ),
    ),
    h('p', { class: 'problem', role: 'alert' }, problem),
    progress && progressCard(progress, settings.reviewersPerRun),
    rubric.items.map((item, n) =>
      reports[n] === undefined ? null : agreementCard(item, reports[n]),
    ),
  );
  return () => undefined;
}

function reportOf(
  rubric: Rubric,
  key: string,
  type: string,
  filters: URLSearchParams,
): Promise<AgreementAnswer | null> {
  if (type === 'text') return Promise.resolve(null);
  const q = new URLSearchParams(filters);
  q.set('rubric', rubric.id);
  q.set('key', key);
  return api<AgreementAnswer>(`/api/annotations/agreement?${q}`).then((r) => r.body);
}

/** The rubric and reviewers-per-run form; the list filters stay as they came. */
function chooser(rubrics: Rubric[], rubric: Rubric, perRun: number): HTMLElement {
  const select = h(
    'select',
    { id: 'ag-rubric' },
    rubrics.map((r) => h('option', { value: r.id, selected: r.id === rubric.id }, label(r.labels))),
  );
  const per = h('input', { id: 'ag-per', type: 'number', min: 1, max: 50, value: perRun });
  return h(
    'form',
    {
      class: 'filters',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const settings = readSettings(location.search);
        settings.rubric = select.value;
        settings.reviewersPerRun = Math.min(50, Math.max(1, Math.round(Number(per.value)) || 2));
        navigate(`/agreement?${settingsQuery(settings)}`);
      },
    },
    h('div', {}, h('label', { for: 'ag-rubric' }, rt('start.rubric')), select),
    h('div', {}, h('label', { for: 'ag-per' }, rt('start.perRun')), per),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, rt('agree.show')),
    ),
  );
}
