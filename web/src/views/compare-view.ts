import { alignSteps, type AlignedRow } from '../compare-align.js';
import { h, seconds, when } from '../dom.js';
import { genealogy, type PromptStep } from '../genealogy.js';
import { currentLang, statusLabel, t } from '../i18n.js';
import type { Item, RunRecord } from '../types.js';
import { levelLabel, mediaLabel, methodLabel, reasonLabel } from '../vocabulary.js';
import { waterfall } from '../waterfall.js';
import { noOutputs } from './outputs-view.js';
import { badge, section, str } from './parts.js';

const SAFETY = /^stage[13]_(safety_check|safety_check_image|blocked)$/;

function stepTitle(row: AlignedRow): string {
  if (row.kind === 'original') return t('run.original');
  if (row.kind === 'translation') return t('run.translation');
  if (row.kind === 'final') return t('run.final');
  return t('run.iteration', { n: row.iteration ?? '?' });
}

/** The run's label on each of its cells: "Run 2 · bauhaus". */
const runTag = (n: number, r: RunRecord) =>
  h('span', { class: 'cmp-tag' }, `${t('compare.run', { n: n + 1 })} · ${r.config_name}`);

/** One row of cells, one per run, each labelled with its run. */
function cells(runs: RunRecord[], body: (r: RunRecord, n: number) => Node | string | null): Node {
  const row = h(
    'div',
    { class: 'cmp-cells' },
    runs.map((r, n) =>
      h('div', { class: 'cmp-cell', 'data-run': n }, runTag(n, r), body(r, n) ?? '–'),
    ),
  );
  row.style.setProperty('--runs', String(runs.length));
  return row;
}

function stepCell(step: PromptStep | undefined, diff: AlignedRow['cells'][number]): Node {
  if (!step) return h('p', { class: 'hint cmp-nostep' }, t('compare.noStep'));
  return h(
    'div',
    {},
    (step.fromLang || step.toLang) &&
      h('span', { class: 'langs' }, [step.fromLang, step.toLang].filter(Boolean).join(' → ')),
    h('p', { class: 'gen-text', lang: step.toLang ?? step.fromLang ?? false }, step.text),
    diff?.diffToFirst &&
      diff.diffToFirst.some((p) => p.op !== 'same') &&
      h(
        'p',
        { class: 'diff', 'aria-label': t('compare.diffTo') },
        h('span', { class: 'diff-mark', title: t('compare.diffTo'), 'aria-hidden': 'true' }, 'Δ'),
        diff.diffToFirst.map((p) =>
          p.op === 'same' ? `${p.text} ` : h(p.op === 'add' ? 'ins' : 'del', {}, p.text, ' '),
        ),
      ),
    step.seconds != null && h('span', { class: 'hint' }, seconds(step.seconds)),
  );
}

function safetyCell(items: Item[]): Node {
  const checks = items.filter((i) => SAFETY.test(i.item_type));
  if (checks.length === 0) return h('p', { class: 'hint' }, t('run.safetyEmpty'));
  return h(
    'ul',
    { class: 'cmp-list' },
    checks.map((i) => {
      const verdict = i.item_type.endsWith('_blocked')
        ? 'blocked'
        : i.metadata.safe === true
          ? 'safe'
          : 'unsafe';
      const how = str(i.metadata.blocked_reason)
        ? reasonLabel(str(i.metadata.blocked_reason))
        : methodLabel(str(i.metadata.method));
      return h(
        'li',
        { class: `decision-${verdict}` },
        `${t('run.stage', { n: i.stage })}${i.loop_iteration != null ? ` · ${t('run.output', { n: i.loop_iteration })}` : ''}: `,
        h('strong', { class: `verdict verdict-${verdict}` }, t(`run.${verdict}`)),
        ` – ${how}`,
      );
    }),
  );
}

function thumb(r: RunRecord, config: string): HTMLElement {
  const img = h('img', {
    class: 'cmp-thumb',
    src: `/api/executions/${r.execution_id}/thumbnail`,
    alt: t('list.thumbAlt', { config }),
    width: 128,
    height: 128,
  });
  img.addEventListener('error', () => img.remove());
  return img;
}

function outputsCell(r: RunRecord): Node {
  const outputs = r.items.filter((i) => i.stage === 4 && i.item_type.startsWith('output_'));
  const blocked = r.items.filter((i) => i.item_type === 'stage3_blocked');
  if (outputs.length === 0 && blocked.length === 0)
    return h('p', { class: 'hint no-outputs' }, noOutputs(r.status, r.items));
  const visual = outputs.some(
    (o) => (o.media_type === 'image' || o.media_type === 'video') && o.file_path,
  );
  return h(
    'div',
    {},
    visual && thumb(r, outputs[0]?.config_used ?? r.config_name),
    h(
      'ul',
      { class: 'cmp-list' },
      outputs.map((o) =>
        h(
          'li',
          {},
          `${o.config_used ?? ''} · ${mediaLabel(o.media_type)} · ${seconds(o.execution_time)}`,
        ),
      ),
      blocked.map((b) =>
        h(
          'li',
          {},
          `${b.config_used ?? ''}: ${t('run.blocked')} – ${reasonLabel(str(b.metadata.blocked_reason))}`,
        ),
      ),
    ),
  );
}

function timingCell(r: RunRecord, longest: number): Node {
  const { bars } = waterfall(r.items, r.total_execution_time);
  const stages = bars.filter((b) => b.kind === 'stage');
  const track = h('div', { class: 'cmp-track', 'aria-hidden': 'true' });
  for (const b of stages) {
    const bar = h('span', { class: `wf-bar wf-bar-stage${b.stage}` });
    bar.style.left = `${(b.startMillis / longest) * 100}%`;
    bar.style.width = `${Math.max(0.5, (b.durationMillis / longest) * 100)}%`;
    track.append(bar);
  }
  return h(
    'div',
    {},
    track,
    h(
      'ul',
      { class: 'cmp-list' },
      stages.map((b) =>
        h(
          'li',
          {},
          `${t('run.stage', { n: b.stage })}${b.loop != null ? ` · ${t('run.output', { n: b.loop })}` : ''}: ${seconds(b.durationMillis / 1000)}`,
        ),
      ),
      h('li', {}, h('strong', {}, `${t('compare.total')}: ${seconds(r.total_execution_time)}`)),
    ),
  );
}

/** Runs side by side: heads, the genealogies aligned step by step, safety, outputs, timings. */
export function compareView(runs: RunRecord[]): Node[] {
  const rows = alignSteps(runs.map((r) => genealogy(r.items)));
  const longest = Math.max(
    1,
    ...runs.map((r) => waterfall(r.items, r.total_execution_time).totalMillis),
  );
  const lang = currentLang();
  return [
    cells(runs, (r) =>
      h(
        'div',
        { class: 'cmp-head' },
        h('p', {}, badge(r.status ?? 'incomplete'), ' ', levelLabel(r.safety_level)),
        h('p', { class: 'hint' }, when(r.timestamp, lang), ' · ', r.user_id),
        h(
          'a',
          {
            href: `/runs/${r.execution_id}`,
            'data-link': true,
            'aria-label': `${t('compare.open')}: ${t('compare.run', { n: runs.indexOf(r) + 1 })} (${statusLabel(r.status ?? 'incomplete')})`,
          },
          t('compare.open'),
        ),
      ),
    ),
    section(
      'cmp-steps',
      t('compare.steps'),
      h(
        'div',
        { class: 'cmp-steps' },
        rows.map((row) =>
          h(
            'div',
            { class: 'cmp-row', 'data-step': row.key },
            h('h3', {}, stepTitle(row)),
            cells(runs, (_r, n) => stepCell(row.cells[n]?.step, row.cells[n] ?? null)),
          ),
        ),
      ),
    ),
    section(
      'cmp-safety',
      t('compare.safety'),
      cells(runs, (r) => safetyCell(r.items)),
    ),
    section(
      'cmp-outputs',
      t('compare.outputs'),
      cells(runs, (r) => outputsCell(r)),
    ),
    section(
      'cmp-timings',
      t('compare.timings'),
      cells(runs, (r) => timingCell(r, longest)),
    ),
  ];
}
