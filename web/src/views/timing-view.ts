import { h, seconds } from '../dom.js';
import { t } from '../i18n.js';
import type { Item } from '../types.js';
import { itemLabel } from '../vocabulary.js';
import { waterfall } from '../waterfall.js';

/** The waterfall of stage and backend times. */
export function timingView(items: Item[], totalSeconds: number | null): Node {
  const { bars, totalMillis } = waterfall(items, totalSeconds);
  if (bars.length === 0) return h('p', { class: 'hint' }, '–');
  const label = (b: (typeof bars)[number]) =>
    b.kind === 'stage'
      ? `${t('run.stage', { n: b.stage })}${b.loop != null ? ` · ${t('run.output', { n: b.loop })}` : ''}`
      : `${itemLabel(b.itemType)}${b.iteration != null ? ` ${b.iteration}` : ''}${b.backend ? ` · ${b.backend}` : ''}`;
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
      { class: 'wf-row wf-axis', 'aria-hidden': 'true' },
      h('span', {}),
      h('span', { class: 'wf-track' }, '0'),
      h('span', { class: 'wf-time' }, seconds(totalMillis / 1000)),
    ),
  );
}
