import { api } from '../api.js';
import { h, replace, setTitle } from '../dom.js';
import { statusLabel, t } from '../i18n.js';
import type { Cleanup } from '../nav.js';
import { navigate } from '../nav.js';
import { MAX_COMPARE, Selection } from '../selection.js';
import type { RunSummary } from '../types.js';
import { exportPanel } from '../views/export-panel.js';
import { renderRows } from '../views/runs-table.js';
import { levelLabel } from '../vocabulary.js';
import { filterControls } from '../views/filter-controls.js';

/** How often the list looks for new runs (it polls; the API has no stream of new runs). */
export const POLL_MILLIS = 3_000;
const PAGE = 20;
const FILTERS = [
  'q',
  'config',
  'status',
  'safety_level',
  'user_id',
  'session_id',
  'user_id_prefix',
  'session_id_prefix',
  'since',
  'until',
  'ids',
] as const;
/** Filters the form has no field for (set by links): shown as removable chips. */
const HIDDEN_FILTERS = ['user_id', 'session_id', 'ids'] as const;
const STATUSES = ['completed', 'blocked', 'failed', 'incomplete'];

interface ListAnswer {
  executions: RunSummary[];
  total: number;
  limit: number;
  offset: number;
}

interface Configs {
  interception: { name: string }[];
  safety_levels: string[];
}

/** The runs list: filters in the URL, paging, new runs arriving every few seconds. */
export async function runsPage(main: HTMLElement): Promise<Cleanup> {
  setTitle(t('title.runs'), main);
  const params = new URLSearchParams(location.search);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const configs = (await api<Configs>('/api/configs')).body;
  const { field, select } = filterControls(params, 'f');
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('list.filters') },
    field('q', t('list.search'), h('input', { type: 'search', size: 18, maxlength: 200 })),
    field('config', t('list.config'), select(configs.interception.map((c) => c.name))),
    field('status', t('list.status'), select(STATUSES, statusLabel)),
    field('safety_level', t('list.safety'), select(configs.safety_levels, levelLabel)),
    field('user_id_prefix', t('list.userPrefix'), h('input', { type: 'text', size: 10 })),
    field('session_id_prefix', t('list.sessionPrefix'), h('input', { type: 'text', size: 10 })),
    field('since', t('list.since'), h('input', { type: 'date' })),
    field('until', t('list.until'), h('input', { type: 'date' })),
    h(
      'div',
      { class: 'field buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('list.apply')),
      h('a', { href: '/', 'data-link': true, class: 'button quiet' }, t('list.reset')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v) next.set(k, v);
    for (const k of HIDDEN_FILTERS) if (params.get(k)) next.set(k, params.get(k)!);
    navigate(`/${next.size ? `?${next}` : ''}`);
  });
  const chips = HIDDEN_FILTERS.filter((k) => params.get(k)).map((k) => {
    const without = new URLSearchParams(params);
    without.delete(k);
    without.delete('offset');
    return h(
      'li',
      {},
      h(
        'code',
        {},
        `${k} = ${params.get(k)!.length > 60 ? `${params.get(k)!.slice(0, 57)}…` : params.get(k)}`,
      ),
      ' ',
      h(
        'a',
        {
          href: `/${without.size ? `?${without}` : ''}`,
          'data-link': true,
          'aria-label': t('list.removeFilter', { name: k }),
        },
        '✕',
      ),
    );
  });
  const also =
    chips.length > 0 &&
    h(
      'div',
      { class: 'also' },
      h('span', { class: 'hint' }, `${t('list.alsoFiltered')}:`),
      h('ul', {}, chips),
    );
  const table = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'pages' });
  const live = h(
    'p',
    { class: 'hint', 'aria-live': 'polite' },
    t('list.live', { s: POLL_MILLIS / 1000 }),
  );
  let total = 0;
  const picked = h('div', { class: 'picked', role: 'region', 'aria-label': t('list.select') });
  const selection = new Selection(() => {
    renderPicked();
    exporter.refresh();
  });
  const filters = new URLSearchParams();
  for (const f of FILTERS) if (params.get(f)) filters.set(f, params.get(f)!);
  const exporter = exportPanel(() => ({ filters, total, selection }));
  const renderPicked = () => {
    const ids = selection.list();
    const comparable = ids.length >= 2 && ids.length <= MAX_COMPARE;
    replace(
      picked,
      h('span', { class: 'count', id: 'picked-count' }, t('list.selected', { n: ids.length })),
      comparable
        ? h(
            'a',
            {
              href: `/compare?ids=${ids.join(',')}`,
              'data-link': true,
              class: 'button primary',
              id: 'compare-link',
            },
            t('list.compare'),
          )
        : h('span', { class: 'hint' }, t('list.compareHint')),
      ids.length > 0 &&
        h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            onclick: () => {
              selection.clear();
              for (const box of table.querySelectorAll<HTMLInputElement>('.pick-box'))
                box.checked = false;
            },
          },
          t('list.clearSelection'),
        ),
    );
  };
  renderPicked();
  replace(main, h('h1', {}, t('list.title')), form, also, live, picked, table, pager, exporter.el);

  const seen = new Set<string>();
  let first = true;
  const load = async () => {
    const query = new URLSearchParams();
    for (const f of FILTERS) if (params.get(f)) query.set(f, params.get(f)!);
    query.set('limit', String(PAGE));
    query.set('offset', String(offset));
    const { body } = await api<ListAnswer>(`/api/executions?${query}`);
    renderRows(table, body.executions, seen, first, selection);
    first = false;
    if (body.total !== total) {
      total = body.total;
      exporter.refresh();
    }
    const to = Math.min(body.total, offset + body.executions.length);
    const go = (o: number) => {
      const next = new URLSearchParams(params);
      if (o > 0) next.set('offset', String(o));
      else next.delete('offset');
      return `/${next.size ? `?${next}` : ''}`;
    };
    replace(
      pager,
      offset > 0 &&
        h('a', { href: go(Math.max(0, offset - PAGE)), 'data-link': true }, t('list.prev')),
      h(
        'span',
        { class: 'count' },
        t('list.count', { from: body.total ? offset + 1 : 0, to, total: body.total }),
      ),
      to < body.total && h('a', { href: go(offset + PAGE), 'data-link': true }, t('list.next')),
    );
  };
  await load();
  const timer = setInterval(() => void load().catch(() => undefined), POLL_MILLIS);
  return () => clearInterval(timer);
}
