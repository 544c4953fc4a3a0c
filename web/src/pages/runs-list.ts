import { api } from '../api.js';
import { h, replace, seconds, when } from '../dom.js';
import { currentLang, statusLabel, t } from '../i18n.js';
import type { Cleanup } from '../nav.js';
import { navigate } from '../nav.js';
import type { RunSummary } from '../types.js';
import { badge } from '../views/parts.js';

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
] as const;
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
  const params = new URLSearchParams(location.search);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const configs = (await api<Configs>('/api/configs')).body;
  const field = (name: (typeof FILTERS)[number], label: string, control: HTMLElement) => {
    control.id = `f-${name}`;
    control.setAttribute('name', name);
    if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement)
      control.value = params.get(name) ?? '';
    return h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), control);
  };
  const select = (options: string[], labelOf: (o: string) => string = (o) => o) =>
    h(
      'select',
      {},
      h('option', { value: '' }, t('list.any')),
      options.map((o) => h('option', { value: o }, labelOf(o))),
    );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('list.filters') },
    field('q', t('list.search'), h('input', { type: 'search', size: 18, maxlength: 200 })),
    field('config', t('list.config'), select(configs.interception.map((c) => c.name))),
    field('status', t('list.status'), select(STATUSES, statusLabel)),
    field('safety_level', t('list.safety'), select(configs.safety_levels)),
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
    navigate(`/${next.size ? `?${next}` : ''}`);
  });
  const table = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'pages' });
  const live = h(
    'p',
    { class: 'hint', 'aria-live': 'polite' },
    t('list.live', { s: POLL_MILLIS / 1000 }),
  );
  replace(main, h('h1', {}, t('list.title')), form, live, table, pager);

  const seen = new Set<string>();
  let first = true;
  const load = async () => {
    const query = new URLSearchParams();
    for (const f of FILTERS) if (params.get(f)) query.set(f, params.get(f)!);
    query.set('limit', String(PAGE));
    query.set('offset', String(offset));
    const { body } = await api<ListAnswer>(`/api/executions?${query}`);
    renderRows(table, body.executions, seen, first);
    first = false;
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

function renderRows(
  table: HTMLElement,
  rows: RunSummary[],
  seen: Set<string>,
  first: boolean,
): void {
  const lang = currentLang();
  if (rows.length === 0) return replace(table, h('p', { class: 'empty' }, t('list.empty')));
  replace(
    table,
    h(
      'table',
      { class: 'runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            t('list.started'),
            t('list.prompt'),
            t('list.config'),
            t('list.status'),
            t('list.safety'),
            t('list.user'),
            t('list.session'),
            t('list.items'),
            t('list.duration'),
          ].map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) => {
          const fresh = !first && !seen.has(r.execution_id);
          seen.add(r.execution_id);
          return h(
            'tr',
            { class: fresh ? 'fresh' : false, 'data-id': r.execution_id },
            h(
              'td',
              {},
              h(
                'a',
                { href: `/runs/${r.execution_id}`, 'data-link': true },
                when(r.timestamp, lang),
              ),
              fresh && h('span', { class: 'badge badge-new' }, t('list.new')),
            ),
            r.prompt_excerpt === null
              ? h(
                  'td',
                  { class: 'prompt none', 'data-label': t('list.prompt') },
                  t('list.noPrompt'),
                )
              : h('td', { class: 'prompt', 'data-label': t('list.prompt') }, r.prompt_excerpt),
            h('td', { class: 'config', 'data-label': t('list.config') }, r.config_name),
            h('td', { 'data-label': t('list.status') }, badge(r.status)),
            h('td', { 'data-label': t('list.safety') }, r.safety_level),
            h('td', { 'data-label': t('list.user') }, r.user_id),
            h('td', { 'data-label': t('list.session') }, r.session_id),
            h('td', { class: 'num', 'data-label': t('list.items') }, r.items_count),
            h(
              'td',
              { class: 'num', 'data-label': t('list.duration') },
              seconds(r.total_execution_time),
            ),
          );
        }),
      ),
    ),
  );
}
