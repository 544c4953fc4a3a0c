import { h } from '../dom.js';
import { t } from '../i18n.js';

/**
 * The labelled controls of a filter form (the runs list, the study overview): each named as its
 * query parameter, filled from the address, its id under `idPrefix`.
 */
export function filterControls(params: URLSearchParams, idPrefix: string) {
  const field = (name: string, label: string, control: HTMLElement): HTMLElement => {
    control.id = `${idPrefix}-${name}`;
    control.setAttribute('name', name);
    if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement)
      control.value = params.get(name) ?? '';
    return h('div', { class: 'field' }, h('label', { for: `${idPrefix}-${name}` }, label), control);
  };
  const select = (options: string[], labelOf: (o: string) => string = (o) => o): HTMLElement =>
    h(
      'select',
      {},
      h('option', { value: '' }, t('list.any')),
      options.map((o) => h('option', { value: o }, labelOf(o))),
    );
  return { field, select };
}
