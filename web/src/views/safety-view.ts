import { h } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import { categoryLabel, type CategoryLabels } from '../stats-labels.js';
import type { Item } from '../types.js';
import { methodLabel, reasonLabel } from '../vocabulary.js';
import { metaRow, str } from './parts.js';

const SAFETY_TYPES = new Set([
  'stage1_safety_check',
  'stage1_safety_check_image',
  'stage1_blocked',
  'stage3_safety_check',
  'stage3_blocked',
]);

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]);

/**
 * The categories a decision names (`category`, then `categories`), each once; a block without
 * either (one the Python client recorded) by its `blocked_codes`, as the study overview counts it.
 */
function categoryCodes(metadata: Item['metadata']): string[] {
  const named = (...values: unknown[]) => [
    ...new Set(values.flatMap(listOf).filter((c): c is string => typeof c === 'string' && !!c)),
  ];
  const codes = named(metadata.category, metadata.categories);
  return codes.length > 0 ? codes : named(metadata.blocked_codes);
}

/** The categories by their label in the page's language, each with its code as a tooltip. */
function categoriesRow(codes: string[], labels: CategoryLabels | undefined): Node {
  const lang = currentLang();
  return h(
    'div',
    { class: 'categories' },
    h('dt', {}, t(codes.length > 1 ? 'run.categories' : 'run.category')),
    h(
      'dd',
      {},
      codes.flatMap((code, n) => [
        n > 0 ? ', ' : null,
        h('span', { title: code, 'data-code': code }, categoryLabel(code, labels, lang)),
      ]),
    ),
  );
}

/**
 * Every safety decision of the run, with its method, categories (by their label in `labels`,
 * the code itself when it has none), found terms and reason.
 */
export function safetyView(items: Item[], labels?: CategoryLabels): Node {
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
      const codes = categoryCodes(i.metadata);
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
          str(i.metadata.method) && metaRow(t('run.method'), methodLabel(str(i.metadata.method))),
          codes.length > 0 && categoriesRow(codes, labels),
          terms.length > 0 && metaRow(t('run.terms'), terms.join(', ')),
          reason && metaRow(t('run.reason'), reasonLabel(reason)),
        ),
        blocked && i.content && h('p', { class: 'reason-text' }, i.content),
      );
    }),
  );
}
