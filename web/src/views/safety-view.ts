import { h } from '../dom.js';
import { t } from '../i18n.js';
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
/** Every safety decision of the run, with its method, found terms and reason. */
export function safetyView(items: Item[]): Node {
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
          str(i.metadata.method) && metaRow(t('run.method'), methodLabel(str(i.metadata.method))),
          terms.length > 0 && metaRow(t('run.terms'), terms.join(', ')),
          reason && metaRow(t('run.reason'), reasonLabel(reason)),
        ),
        blocked && i.content && h('p', { class: 'reason-text' }, i.content),
      );
    }),
  );
}
