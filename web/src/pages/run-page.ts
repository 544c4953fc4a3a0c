import { api } from '../api.js';
import { h, keepFocus, replace, seconds, setTitle, when } from '../dom.js';
import { genealogy } from '../genealogy.js';
import { reviewLinkFor } from '../review-links.js';
import { currentLang, statusLabel, stepLabel, t } from '../i18n.js';
import type { Cleanup } from '../nav.js';
import type { Item, RunRecord, RunState } from '../types.js';
import { genealogyView } from '../views/genealogy-view.js';
import { outputsView } from '../views/outputs-view.js';
import { badge, metaRow, section, str } from '../views/parts.js';
import { safetyCategories } from '../safety-categories.js';
import type { CategoryLabels } from '../stats-labels.js';
import { safetyView } from '../views/safety-view.js';
import { timingView } from '../views/timing-view.js';
import { levelLabel, modeLabel } from '../vocabulary.js';

const EXPORTS = ['json', 'xml', 'jsonl'] as const;
const RECONNECT_MILLIS = 2_000;

interface View {
  id: string;
  items: Map<number, Item>;
  record: RunRecord | null;
  state: RunState | null;
  status: string | null;
  lost: boolean;
  missing: boolean;
  media: Map<number, HTMLElement>;
  /** Jaeger's UI answers (asked of the server once per page): show "Trace in Jaeger". */
  jaeger: boolean;
  /** The safety categories' labels (asked once per page); until then codes are shown. */
  categories: CategoryLabels | undefined;
}

/** A run's page: genealogy, safety decisions, outputs, timing; live while the run goes on. */
export async function runPage(main: HTMLElement, id: string): Promise<Cleanup> {
  const view: View = {
    id,
    items: new Map(),
    record: null,
    state: null,
    status: null,
    lost: false,
    missing: false,
    media: new Map(),
    jaeger: false,
    categories: undefined,
  };
  replace(main, h('p', { class: 'hint' }, t('run.loading')));
  let frame = 0;
  let stopped = false;
  // Answers that come after the page was left (another page shows by then) are dropped.
  const schedule = () => {
    if (!frame && !stopped) frame = requestAnimationFrame(() => ((frame = 0), render(main, view)));
  };
  const loadRecord = async () => {
    const res = await api<RunRecord>(`/api/executions/${id}`);
    if (res.status !== 200) return;
    view.record = res.body;
    for (const item of res.body.items) view.items.set(item.sequence_number, item);
    if (res.body.status && res.body.status !== 'incomplete') view.status ??= res.body.status;
  };
  await loadRecord(); // also asks for the token when one is needed, before the stream opens
  // The server checks Jaeger's UI (the page never probes another origin).
  void api<{ available: boolean }>('/api/trace-viewer')
    .then((res) => {
      view.jaeger = res.status === 200 && res.body.available;
      schedule();
    })
    .catch(() => undefined);
  void safetyCategories()
    .then((labels) => {
      view.categories = labels;
      schedule();
    })
    .catch(() => undefined);

  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const lastId = () => Math.max(0, ...view.items.keys());
  const open = () => {
    const es = new EventSource(`/api/executions/${id}/stream?last_event_id=${lastId()}`);
    source = es;
    es.addEventListener('open', () => ((view.lost = false), schedule()));
    es.addEventListener('item', (e) => {
      const item = JSON.parse((e as MessageEvent<string>).data) as Item;
      view.items.set(item.sequence_number, item);
      schedule();
    });
    es.addEventListener('state', (e) => {
      view.state = JSON.parse((e as MessageEvent<string>).data) as RunState;
      schedule();
    });
    es.addEventListener('end', (e) => {
      view.status = (JSON.parse((e as MessageEvent<string>).data) as { status: string }).status;
      es.close();
      void loadRecord().finally(schedule);
    });
    es.addEventListener('error', () => {
      if (view.status || stopped) return;
      if (view.items.size === 0 && es.readyState === EventSource.CLOSED) view.missing = true;
      else view.lost = true;
      if (es.readyState === EventSource.CLOSED && !view.missing)
        retry = setTimeout(open, RECONNECT_MILLIS);
      schedule();
    });
  };
  open();
  render(main, view);
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
    cancelAnimationFrame(frame);
  };
}

function render(main: HTMLElement, view: View): void {
  const items = [...view.items.values()].sort((a, b) => a.sequence_number - b.sequence_number);
  if (view.missing && items.length === 0)
    return replace(
      main,
      h('h1', {}, t('run.title')),
      h('p', { class: 'problem' }, t('run.notFound')),
    );
  const start = items.find((i) => i.item_type === 'pipeline_start');
  const meta = start?.metadata ?? {};
  const record = view.record;
  const config = record?.config_name ?? str(meta.config_name) ?? '…';
  const status = view.status ?? 'running';
  setTitle(t('title.run', { config, status: statusLabel(status) }), main);
  // Redrawn as the run goes on: the keyboard focus stays on the same link or control.
  keepFocus(main, () =>
    replace(
      main,
      h(
        'div',
        { class: 'run-head' },
        h('h1', {}, `${t('run.title')}: ${config} `, badge(status)),
        h('p', { class: 'run-id' }, h('code', {}, view.id)),
      ),
      progress(view),
      h(
        'dl',
        { class: 'meta' },
        metaRow(
          t('run.started'),
          start
            ? when(start.timestamp, currentLang())
            : record
              ? when(record.timestamp, currentLang())
              : '–',
        ),
        metaRow(t('run.safety'), levelLabel(record?.safety_level ?? str(meta.safety_level))),
        metaRow(t('run.mode'), modeLabel(record?.execution_mode ?? str(meta.execution_mode))),
        metaRow(
          t('run.user'),
          `${record?.user_id ?? str(meta.user_id) ?? '–'} / ${record?.session_id ?? str(meta.session_id) ?? '–'}`,
        ),
        metaRow(t('run.seed'), record?.used_seed ?? '–'),
        metaRow(t('run.total'), view.status ? seconds(record?.total_execution_time) : '–'),
      ),
      links(view),
      related(view.id, record?.user_id ?? str(meta.user_id)),
      section('genealogy', t('run.genealogy'), genealogyView(genealogy(items))),
      section('safety', t('run.safetyTitle'), safetyView(items, view.categories)),
      section(
        'outputs',
        t('run.outputs'),
        outputsView({ ...view, ended: view.status !== null, status: view.status }, items),
      ),
      section('timing', t('run.timing'), timingView(items, record?.total_execution_time ?? null)),
      errorsView(items),
    ),
  );
}

function progress(view: View): Node | null {
  if (view.status) return null;
  const [done, total] = (view.state?.progress ?? '0/0').split('/').map(Number) as [number, number];
  return h(
    'div',
    { class: 'progress', role: 'status', 'aria-live': 'polite' },
    h('label', { for: 'run-progress' }, `${t('run.progress')}: ${view.state?.progress ?? '…'}`),
    h('progress', { id: 'run-progress', max: Math.max(1, total), value: done }),
    h('span', { class: 'step' }, view.state ? stepLabel(view.state.step) : ''),
    h('span', { class: 'hint' }, view.lost ? t('run.streamLost') : t('run.live')),
  );
}

function links(view: View): Node {
  const trace = view.record?.trace_url;
  return h(
    'p',
    { class: 'links' },
    trace && view.jaeger
      ? h(
          'a',
          { href: trace, target: '_blank', rel: 'noopener noreferrer', class: 'button' },
          t('run.trace'),
        )
      : trace
        ? h('a', { href: '#s-timing', class: 'hint' }, t('run.traceOwn'))
        : h('span', { class: 'hint' }, t('run.noTrace')),
    reviewLinkFor(view.id),
    h('span', { class: 'hint' }, `${t('run.exports')}:`),
    EXPORTS.map((format) => {
      const path = `/api/executions/${view.id}/export/${format}`;
      return h(
        'a',
        // A plain link: the browser sends the session cookie, the server names the file.
        { href: path, class: 'button quiet', download: `${view.id}.${format}` },
        format.toUpperCase(),
      );
    }),
  );
}

/** Ways on from a run: the same prompt elsewhere (compare), this child's runs (the list). */
function related(id: string, userId: string | null): Node {
  return h(
    'p',
    { class: 'links related' },
    h(
      'a',
      { href: `/compare?same_prompt=${id}`, 'data-link': true, class: 'button quiet' },
      t('compare.samePrompt'),
    ),
    userId &&
      h(
        'a',
        {
          href: `/?${new URLSearchParams({ user_id: userId })}`,
          'data-link': true,
          class: 'button quiet',
        },
        t('compare.childRuns'),
      ),
  );
}

function errorsView(items: Item[]): Node | null {
  const errors = items.filter((i) => i.item_type === 'pipeline_error');
  if (errors.length === 0) return null;
  return section(
    'errors',
    t('run.errors'),
    h(
      'ul',
      {},
      errors.map((e) =>
        h(
          'li',
          {},
          `${t('run.stage', { n: e.stage })}: ${str(e.metadata.error_type) ?? 'Error'} – ${e.content ?? ''}`,
        ),
      ),
    ),
  );
}
