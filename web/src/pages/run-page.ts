import { api, download, hasToken } from '../api.js';
import { h, replace, seconds, when } from '../dom.js';
import { genealogy, type PromptStep } from '../genealogy.js';
import { currentLang, stepLabel, t } from '../i18n.js';
import type { Cleanup } from '../nav.js';
import { objPreview } from '../obj-preview.js';
import type { Item, RunRecord, RunState } from '../types.js';
import { waterfall } from '../waterfall.js';
import { badge } from './runs-list.js';

const SAFETY_TYPES = new Set([
  'stage1_safety_check',
  'stage1_safety_check_image',
  'stage1_blocked',
  'stage3_safety_check',
  'stage3_blocked',
]);
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
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const fileName = (path: string) => path.split(/[\\/]/).at(-1)!;
const mediaUrl = (id: string, path: string) =>
  `/api/executions/${id}/media/${encodeURIComponent(fileName(path))}`;

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
  };
  replace(main, h('p', { class: 'hint' }, t('run.loading')));
  let frame = 0;
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), render(main, view)));
  };
  const loadRecord = async () => {
    const res = await api<RunRecord>(`/api/executions/${id}`);
    if (res.status !== 200) return;
    view.record = res.body;
    for (const item of res.body.items) view.items.set(item.sequence_number, item);
    if (res.body.status && res.body.status !== 'incomplete') view.status ??= res.body.status;
  };
  await loadRecord(); // also asks for the token when one is needed, before the stream opens

  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
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
  const focused = document.activeElement?.id;
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
      metaRow(t('run.safety'), record?.safety_level ?? str(meta.safety_level) ?? '–'),
      metaRow(t('run.mode'), record?.execution_mode ?? str(meta.execution_mode) ?? '–'),
      metaRow(
        t('run.user'),
        `${record?.user_id ?? str(meta.user_id) ?? '–'} / ${record?.session_id ?? str(meta.session_id) ?? '–'}`,
      ),
      metaRow(t('run.seed'), record?.used_seed ?? '–'),
      metaRow(t('run.total'), view.status ? seconds(record?.total_execution_time) : '–'),
    ),
    links(view),
    section('genealogy', t('run.genealogy'), genealogyView(genealogy(items))),
    section('safety', t('run.safetyTitle'), safetyView(items)),
    section('outputs', t('run.outputs'), outputsView(view, items)),
    section('timing', t('run.timing'), timingView(items, record?.total_execution_time ?? null)),
    errorsView(items),
  );
  if (focused) document.getElementById(focused)?.focus();
}

const metaRow = (label: string, value: string | number) =>
  h('div', {}, h('dt', {}, label), h('dd', {}, value));

const section = (id: string, title: string, body: Node) =>
  h(
    'section',
    { class: 'card', 'aria-labelledby': `h-${id}`, id: `s-${id}` },
    h('h2', { id: `h-${id}` }, title),
    body,
  );

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
    trace
      ? h(
          'a',
          { href: trace, target: '_blank', rel: 'noopener noreferrer', class: 'button' },
          t('run.trace'),
        )
      : h('span', { class: 'hint' }, t('run.noTrace')),
    h('span', { class: 'hint' }, `${t('run.exports')}:`),
    EXPORTS.map((format) => {
      const path = `/api/executions/${view.id}/export/${format}`;
      return h(
        'a',
        {
          href: path,
          class: 'button quiet',
          download: `${view.id}.${format}`,
          onclick: (e: Event) => {
            if (!hasToken()) return;
            e.preventDefault();
            void download(path, `${view.id}.${format}`);
          },
        },
        format.toUpperCase(),
      );
    }),
  );
}

function stepTitle(step: PromptStep): string {
  switch (step.kind) {
    case 'original':
      return t('run.original');
    case 'translation':
      return t('run.translation');
    case 'iteration':
      return t('run.iteration', { n: step.iteration ?? '?' });
    case 'final':
      return t('run.final');
  }
}

function genealogyView(steps: PromptStep[]): Node {
  if (steps.length === 0) return h('p', { class: 'hint' }, t('run.genealogyEmpty'));
  return h(
    'ol',
    { class: 'genealogy' },
    steps.map((step) =>
      h(
        'li',
        { class: `gen gen-${step.kind}`, 'data-kind': step.kind },
        h(
          'div',
          { class: 'gen-head' },
          h('strong', {}, stepTitle(step)),
          (step.fromLang || step.toLang) &&
            h('span', { class: 'langs' }, [step.fromLang, step.toLang].filter(Boolean).join(' → ')),
          step.model && h('span', { class: 'hint' }, `${step.backend ?? ''} · ${step.model}`),
          step.seconds != null && h('span', { class: 'hint' }, seconds(step.seconds)),
        ),
        h('p', { class: 'gen-text', lang: step.toLang ?? step.fromLang ?? false }, step.text),
        step.diff &&
          step.diff.some((p) => p.op !== 'same') &&
          h(
            'p',
            { class: 'diff', 'aria-label': t('run.diff') },
            h('span', { class: 'diff-mark', title: t('run.diff'), 'aria-hidden': 'true' }, 'Δ'),
            step.diff.map((p) =>
              p.op === 'same' ? `${p.text} ` : h(p.op === 'add' ? 'ins' : 'del', {}, p.text, ' '),
            ),
          ),
      ),
    ),
  );
}

function safetyView(items: Item[]): Node {
  const checks = items.filter((i) => SAFETY_TYPES.has(i.item_type));
  if (checks.length === 0) return h('p', { class: 'hint' }, t('run.safetyEmpty'));
  return h(
    'ul',
    { class: 'decisions' },
    checks.map((i) => {
      const blocked = i.item_type.endsWith('_blocked');
      const safe = i.metadata.safe === true;
      const verdict = blocked ? 'blocked' : safe ? 'safe' : 'unsafe';
      const terms = Array.isArray(i.metadata.found_terms)
        ? (i.metadata.found_terms as string[])
        : [];
      const reason = str(i.metadata.blocked_reason);
      return h(
        'li',
        { class: `decision decision-${verdict}`, 'data-type': i.item_type },
        h(
          'div',
          { class: 'gen-head' },
          h('strong', {}, t('run.stage', { n: i.stage })),
          i.loop_iteration != null && h('span', {}, t('run.output', { n: i.loop_iteration })),
          i.config_used && h('code', {}, i.config_used),
          h('span', { class: `verdict verdict-${verdict}` }, t(`run.${verdict}`)),
        ),
        h(
          'dl',
          { class: 'facts' },
          str(i.metadata.method) && metaRow(t('run.method'), str(i.metadata.method)!),
          terms.length > 0 && metaRow(t('run.terms'), terms.join(', ')),
          reason && metaRow(t('run.reason'), reason),
        ),
        blocked && i.content && h('p', { class: 'reason-text' }, i.content),
      );
    }),
  );
}

function outputsView(view: View, items: Item[]): Node {
  const loops = [
    ...new Set(
      items.filter((i) => i.loop_iteration != null && i.stage >= 3).map((i) => i.loop_iteration!),
    ),
  ].sort((a, b) => a - b);
  if (loops.length === 0)
    return h('p', { class: 'hint' }, view.status ? t('run.outputsEmpty') : t('run.outputsWaiting'));
  const prompt = items.find((i) => i.item_type === 'interception_final')?.content ?? '';
  const shortPrompt = prompt.length > 160 ? `${prompt.slice(0, 157)}…` : prompt;
  return h(
    'div',
    { class: 'outputs' },
    loops.map((loop) => {
      const of = items.filter((i) => i.loop_iteration === loop);
      const output = of.find((i) => i.stage === 4 && i.item_type.startsWith('output_'));
      const blocked = of.find((i) => i.item_type === 'stage3_blocked');
      const error = of.find((i) => i.item_type === 'pipeline_error');
      const config = output?.config_used ?? of[0]?.config_used ?? '';
      return h(
        'figure',
        { class: `output ${blocked ? 'output-blocked' : ''}`, 'data-loop': loop },
        output ? media(view, output, config, shortPrompt) : null,
        blocked &&
          h(
            'div',
            { class: 'blocked-box', role: 'note' },
            h('strong', {}, t('run.outputBlocked')),
            h('p', {}, `${t('run.reason')}: ${str(blocked.metadata.blocked_reason) ?? '–'}`),
            blocked.content && h('p', { class: 'reason-text' }, blocked.content),
          ),
        error && h('p', { class: 'problem' }, error.content ?? ''),
        h(
          'figcaption',
          {},
          h('strong', {}, t('run.output', { n: loop })),
          ' ',
          h('code', {}, config),
          output &&
            ` · ${output.media_type} · ${output.backend_type ?? ''} · ${seconds(output.execution_time)}`,
          output?.file_path &&
            h(
              'a',
              {
                href: mediaUrl(view.id, output.file_path),
                download: fileName(output.file_path),
                class: 'dl',
              },
              t('run.download'),
            ),
        ),
      );
    }),
  );
}

function media(view: View, item: Item, config: string, prompt: string): HTMLElement | null {
  if (!item.file_path) return null;
  const cached = view.media.get(item.sequence_number);
  if (cached) return cached;
  const url = mediaUrl(view.id, item.file_path);
  let el: HTMLElement;
  switch (item.media_type) {
    case 'image':
      el = h('img', { src: url, alt: t('run.alt.image', { config, prompt }), loading: 'lazy' });
      break;
    case 'video':
      el = h('img', { src: url, alt: t('run.alt.video', { config, prompt }) });
      break;
    case 'audio':
    case 'music':
      el = h('audio', {
        src: url,
        controls: true,
        preload: 'metadata',
        'aria-label': t('run.audio', { config }),
      });
      break;
    case '3d': {
      el = h('div', { class: 'obj-holder' });
      void fetch(url)
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
        .then((text) => el.replaceChildren(objPreview(text, t('run.alt.3d', { config }))))
        .catch(() => undefined);
      break;
    }
    default:
      return null;
  }
  view.media.set(item.sequence_number, el);
  return el;
}

function timingView(items: Item[], totalSeconds: number | null): Node {
  const { bars, totalMillis } = waterfall(items, totalSeconds);
  if (bars.length === 0) return h('p', { class: 'hint' }, '–');
  const label = (b: (typeof bars)[number]) =>
    b.kind === 'stage'
      ? `${t('run.stage', { n: b.stage })}${b.loop != null ? ` · ${t('run.output', { n: b.loop })}` : ''}`
      : `${b.itemType}${b.iteration != null ? ` ${b.iteration}` : ''}${b.backend ? ` · ${b.backend}` : ''}`;
  return h(
    'div',
    { class: 'waterfall', role: 'table', 'aria-label': t('run.timing') },
    bars.map((b) => {
      const bar = h('span', { class: `wf-bar wf-bar-stage${b.stage} wf-bar-${b.kind}` });
      bar.style.left = `${(b.startMillis / totalMillis) * 100}%`;
      bar.style.width = `${Math.max(0.4, (b.durationMillis / totalMillis) * 100)}%`;
      return h(
        'div',
        { class: `wf-row wf-${b.kind}`, role: 'row' },
        h('span', { class: 'wf-label', role: 'rowheader' }, label(b)),
        h('span', { class: 'wf-track', role: 'cell' }, bar),
        h('span', { class: 'wf-time', role: 'cell' }, seconds(b.durationMillis / 1000)),
      );
    }),
    h(
      'div',
      { class: 'wf-row wf-axis' },
      h('span', {}),
      h('span', { class: 'wf-track' }, '0'),
      h('span', { class: 'wf-time' }, seconds(totalMillis / 1000)),
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
