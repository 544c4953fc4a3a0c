import { h } from '../dom.js';
import { rt } from '../review-i18n.js';
import type { QueueState } from '../review-settings.js';

/** The keys of the review mode, listed for people. */
export function keyLegend(): HTMLElement {
  return h(
    'details',
    { class: 'key-legend', open: true },
    h('summary', {}, rt('review.keys')),
    h(
      'ul',
      {},
      (['review.keyValue', 'review.keyItem', 'review.keySubmit', 'review.keyNext'] as const).map(
        (k) => h('li', {}, rt(k)),
      ),
    ),
  );
}

/** The caller's progress in the queue, in one line. */
export function queueLine(state: QueueState): HTMLElement {
  return h(
    'p',
    { class: 'queue-line', id: 'queue-progress' },
    rt('queue.progress', {
      judged: state.judged,
      total: state.total,
      open: state.open,
      complete: state.complete,
    }),
  );
}
