import { h } from '../dom.js';
import { rt } from '../review-i18n.js';
import type { Item, RunRecord } from '../types.js';
import { outputsView } from './outputs-view.js';
import { badge } from './parts.js';

const first = (items: readonly Item[], type: string) =>
  items.find((i) => i.item_type === type)?.content ?? null;

/**
 * What a reviewer looks at beside the questions: the child's prompt, its translation, the
 * final prompt, the run's outcome and its outputs inline.
 */
export function reviewContext(record: RunRecord, media: Map<number, HTMLElement>): HTMLElement {
  const items = [...record.items].sort((a, b) => a.sequence_number - b.sequence_number);
  const texts: [string, string | null][] = [
    [rt('review.prompt'), first(items, 'user_input_text')],
    [rt('review.translation'), first(items, 'translation_result')],
    [rt('review.final'), first(items, 'interception_final')],
  ];
  return h(
    'section',
    { class: 'card review-context', 'aria-labelledby': 'h-review-run' },
    h(
      'h2',
      { id: 'h-review-run' },
      `${rt('review.run')}: ${record.config_name} `,
      badge(record.status ?? 'incomplete'),
    ),
    h(
      'dl',
      { class: 'review-texts' },
      texts
        .filter(([, text]) => text !== null)
        .map(([term, text]) => h('div', {}, h('dt', {}, term), h('dd', {}, text))),
    ),
    outputsView(
      { id: record.execution_id, ended: true, status: record.status ?? null, media },
      items,
    ),
  );
}
