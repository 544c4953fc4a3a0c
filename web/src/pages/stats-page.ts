import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { currentLang, statusLabel, t } from '../i18n.js';
import { ts, type StatsKey } from '../i18n-stats.js';
import { navigate, type Cleanup } from '../nav.js';
import { statsCsv, type StatsTable } from '../stats-csv.js';
import { withCategoryLabels, type CategoryLabels } from '../stats-labels.js';
import { statsChart } from '../views/stats-chart.js';
import { detachStyles, svgFile } from '../views/svg-file.js';
import '../stats.css';
import { filterControls } from '../views/filter-controls.js';
import { levelLabel } from '../vocabulary.js';
import { TABLE_NAMES, type TableName } from '../../../src/query/stats/table-names.js';

/** The list filters the overview takes (none naming a user or session: the API refuses those). */
const FILTERS = ['q', 'config', 'status', 'safety_level', 'since', 'until'] as const;
/** Statuses of counted runs (an unfinished run, `incomplete`, is not in the overview). */
const STATUSES = ['completed', 'blocked', 'failed'];

/** `GET /api/stats`. */
export interface StatsAnswer {
  k: number;
  runs: number | null;
  too_few_users: boolean;
  similarity_measure: string;
  tables: Record<TableName, StatsTable>;
  /** Each block category's label (de, en); a code missing here is shown as itself. */
  categories?: CategoryLabels;
}

interface Configs {
  interception: { name: string }[];
  safety_levels: string[];
}

function filterForm(params: URLSearchParams, configs: Configs): HTMLFormElement {
  const { field, select } = filterControls(params, 's');
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('list.filters') },
    field('q', t('list.search'), h('input', { type: 'search', size: 18, maxlength: 200 })),
    field('config', t('list.config'), select(configs.interception.map((c) => c.name))),
    field('status', t('list.status'), select(STATUSES, statusLabel)),
    field('safety_level', t('list.safety'), select(configs.safety_levels, levelLabel)),
    field('since', t('list.since'), h('input', { type: 'date' })),
    field('until', t('list.until'), h('input', { type: 'date' })),
    h(
      'div',
      { class: 'field buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('list.apply')),
      h('a', { href: '/stats', 'data-link': true, class: 'button quiet' }, t('list.reset')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v) next.set(k, v);
    navigate(`/stats${next.size ? `?${next}` : ''}`);
  });
  return form;
}

/** A download link of `text` (kept until the page is left). */
function download(text: string, type: string, file: string, label: string, urls: string[]) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  urls.push(url);
  return h('a', { href: url, download: file, class: 'button quiet', 'data-download': file }, label);
}

function dataTable(table: StatsTable): HTMLElement {
  return h(
    'details',
    { class: 'stats-data' },
    h('summary', {}, ts('data')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            table.columns.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          table.rows.map((r) =>
            h(
              'tr',
              {},
              table.columns.map((c) => h('td', {}, r[c] ?? '')),
            ),
          ),
        ),
      ),
    ),
  );
}

/** One chart's section: heading, what was hidden, the chart, its SVG and CSV, its data. */
function section(name: TableName, answer: StatsAnswer, width: number, urls: string[]) {
  const table = withCategoryLabels(answer.tables[name], answer.categories, currentLang());
  const title = ts(name as StatsKey);
  const id = `chart-${name.replaceAll('_', '-')}`;
  const head = h('h2', { id: `${id}-title` }, title);
  const note =
    table.hidden > 0 &&
    h('p', { class: 'hint stats-hidden' }, ts('hidden', { n: table.hidden, k: answer.k }));
  const measure = name === 'stillepost_drift' && h('p', { class: 'hint' }, ts('measure'));
  if (table.rows.length === 0)
    return h(
      'section',
      { class: 'stats-chart', id, 'aria-labelledby': `${id}-title` },
      head,
      note,
      h('p', { class: 'empty' }, ts('empty')),
    );
  const chart = detachStyles(statsChart(name, table, width));
  const svg = chart instanceof SVGSVGElement ? chart : chart.querySelector('svg:last-of-type');
  // The chart is one image (its data is in the table below): Plot's labels of marks go.
  chart.querySelectorAll('svg [aria-label], svg [aria-description]').forEach((el) => {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  });
  svg?.setAttribute('role', 'img');
  svg?.setAttribute('aria-label', title);
  return h(
    'section',
    { class: 'stats-chart', id, 'aria-labelledby': `${id}-title` },
    head,
    note,
    measure,
    h('div', { class: 'chart' }, chart),
    h(
      'div',
      { class: 'downloads' },
      download(svgFile(chart, title), 'image/svg+xml', `${name}.svg`, ts('svg'), urls),
      download(statsCsv(table, answer.k), 'text/csv;charset=utf-8', `${name}.csv`, ts('csv'), urls),
    ),
    dataTable(table),
  );
}

/** The study overview: the list filters, then one chart per breakdown of `GET /api/stats`. */
export async function statsPage(main: HTMLElement): Promise<Cleanup> {
  const title = document.title;
  document.title = `${ts('title')} · execution-history`;
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams();
  for (const f of FILTERS) if (params.get(f)) query.set(f, params.get(f)!);
  const [configs, stats] = await Promise.all([
    api<Configs>('/api/configs'),
    api<StatsAnswer>(`/api/stats${query.size ? `?${query}` : ''}`),
  ]);
  const answer = stats.body;
  const charts = h('div', { class: 'stats-charts' });
  const urls: string[] = [];
  const draw = () => {
    urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
    const width = Math.max(280, Math.min(760, main.clientWidth - 34));
    replace(
      charts,
      TABLE_NAMES.map((name) => section(name, answer, width, urls)),
    );
  };
  replace(
    main,
    h('h1', {}, ts('title')),
    h('p', {}, ts('intro')),
    filterForm(params, configs.body),
    h(
      'p',
      { class: 'stats-summary', id: 'stats-summary' },
      answer.too_few_users
        ? ts('tooFew', { k: answer.k })
        : `${ts('runs', { runs: answer.runs ?? 0 })}. ${ts('kNote', { k: answer.k })}`,
    ),
    charts,
  );
  draw();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastWidth = main.clientWidth;
  const onResize = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (main.clientWidth !== lastWidth) draw();
      lastWidth = main.clientWidth;
    }, 200);
  };
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    clearTimeout(timer);
    urls.forEach((u) => URL.revokeObjectURL(u));
    document.title = title;
  };
}
