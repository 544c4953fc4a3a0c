import { h, keepFocus, replace, seconds, when } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import type { Selection } from '../selection.js';
import type { RunSummary } from '../types.js';
import { levelLabel } from '../vocabulary.js';
import { badge } from './parts.js';

/** A list thumbnail: the run's first image or video output, derived small by the server. */
function thumbnail(r: RunSummary): HTMLElement {
  const cell = h('td', { class: 'thumb' });
  // Blocked, failed and running runs show no picture; nor do runs without an image output,
  // which the summary tells, so their thumbnail is never asked for.
  if (r.status !== 'completed' || !r.has_image) return cell;
  const img = h('img', {
    src: `/api/executions/${r.execution_id}/thumbnail`,
    alt: t('list.thumbAlt', { config: r.config_name }),
    width: 64,
    height: 64,
    loading: 'lazy',
    decoding: 'async',
  });
  img.addEventListener('error', () => img.remove()); // its file is gone: no broken picture
  cell.append(img);
  return cell;
}

/** What each table last showed (the rows' data, and whether some were marked new). */
const shown = new WeakMap<HTMLElement, string>();

/**
 * The runs as a table (cards at phone widths), each with a checkbox for the selection. Drawn
 * again only when something changed (the list asks every few seconds), and then with the
 * keyboard focus kept on the same run's checkbox or link, so a teacher working through the
 * list with the keyboard is not thrown back to the top of the page.
 */
export function renderRows(
  table: HTMLElement,
  rows: RunSummary[],
  seen: Set<string>,
  first: boolean,
  selection: Selection,
): void {
  const anyFresh = !first && rows.some((r) => !seen.has(r.execution_id));
  const key = `${anyFresh}${currentLang()}${JSON.stringify(rows)}`;
  if (shown.get(table) === key) return;
  shown.set(table, key);
  keepFocus(table, () => drawRows(table, rows, seen, first, selection));
}

function drawRows(
  table: HTMLElement,
  rows: RunSummary[],
  seen: Set<string>,
  first: boolean,
  selection: Selection,
): void {
  const lang = currentLang();
  if (rows.length === 0) return replace(table, h('p', { class: 'empty' }, t('list.empty')));
  const headers = [
    t('list.started'),
    t('list.thumb'),
    t('list.prompt'),
    t('list.config'),
    t('list.status'),
    t('list.safety'),
    `${t('list.user')} / ${t('list.session')}`,
    t('list.items'),
    t('list.duration'),
  ];
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
          h('th', { scope: 'col', class: 'pick' }, t('list.select')),
          headers.map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) => {
          const fresh = !first && !seen.has(r.execution_id);
          seen.add(r.execution_id);
          const started = when(r.timestamp, lang);
          const box = h('input', {
            type: 'checkbox',
            class: 'pick-box',
            checked: selection.has(r.execution_id),
            'aria-label': t('list.selectRun', { when: started }),
          });
          box.addEventListener('change', () => {
            if (!selection.set(r.execution_id, box.checked)) box.checked = false;
          });
          return h(
            'tr',
            { class: fresh ? 'fresh' : false, 'data-id': r.execution_id },
            h('td', { class: 'pick' }, box),
            h(
              'td',
              { class: 'started' },
              h('a', { href: `/runs/${r.execution_id}`, 'data-link': true }, started),
              fresh && h('span', { class: 'badge badge-new' }, t('list.new')),
            ),
            thumbnail(r),
            r.prompt_excerpt === null
              ? h(
                  'td',
                  { class: 'prompt none', 'data-label': t('list.prompt') },
                  t('list.noPrompt'),
                )
              : h('td', { class: 'prompt', 'data-label': t('list.prompt') }, r.prompt_excerpt),
            h('td', { class: 'config', 'data-label': t('list.config') }, r.config_name),
            h('td', { 'data-label': t('list.status') }, badge(r.status)),
            h('td', { 'data-label': t('list.safety') }, levelLabel(r.safety_level)),
            h(
              'td',
              { class: 'who', 'data-label': t('list.user') },
              r.user_id,
              h('span', { class: 'hint session' }, ` / ${r.session_id}`),
            ),
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
