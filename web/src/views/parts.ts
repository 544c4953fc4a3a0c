import { h } from '../dom.js';
import { statusLabel } from '../i18n.js';

/** A metadata value as a string, or null. */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A status badge. */
export function badge(status: string): HTMLElement {
  return h('span', { class: `badge badge-${status}` }, statusLabel(status));
}

/** One term and its value in a `<dl>`. */
export const metaRow = (label: string, value: string | number) =>
  h('div', {}, h('dt', {}, label), h('dd', {}, value));

/** A titled card of the run page. */
export const section = (id: string, title: string, body: Node) =>
  h(
    'section',
    { class: 'card', 'aria-labelledby': `h-${id}`, id: `s-${id}` },
    h('h2', { id: `h-${id}` }, title),
    body,
  );
