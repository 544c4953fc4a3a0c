type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** Creates an element: `on*` keys become listeners, `false`/null attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false && value != null) el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces the children of `el`. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren(
    ...children
      .flat()
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

/** What the keyboard focus is on inside `root`, as `keepFocus` finds it again once redrawn. */
function focusKey(root: Element): { id: string; selector: string; text: string; n: number } | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === root || !root.contains(active)) return null;
  // Within the same run's row or card, when it is in one (rows come and go above it).
  const run = active.closest('[data-id]')?.getAttribute('data-id');
  const scope = run ? `[data-id="${CSS.escape(run)}"] ` : '';
  const href = active.getAttribute('href');
  const selector = `${scope}${active.localName}${href ? `[href="${CSS.escape(href)}"]` : ''}`;
  const text = active.textContent ?? '';
  const same = [...root.querySelectorAll(selector)].filter((e) => e.textContent === text);
  return { id: active.id, selector, text, n: same.indexOf(active) };
}

/**
 * Redraws `root` with `draw`, keeping the keyboard focus on the same control (by its id, else
 * the same kind of element with the same link and text, in the same run's row), so a page that
 * redraws itself as runs go on does not throw a keyboard user back to the top.
 */
export function keepFocus(root: Element, draw: () => void): void {
  const key = focusKey(root);
  draw();
  if (!key) return;
  const again = key.id
    ? document.getElementById(key.id)
    : [...root.querySelectorAll(key.selector)].filter((e) => e.textContent === key.text)[
        Math.max(0, key.n)
      ];
  if (again instanceof HTMLElement) again.focus({ preventScroll: true });
}

/** Formats a timestamp for people, in the page's language. */
export function when(iso: string, lang: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: 'medium',
      });
}

/** Seconds as a short duration (`850 ms`, `2.4 s`). */
export function seconds(value: number | null | undefined): string {
  if (value == null) return '–';
  if (value > 0 && value < 0.0005) return '<1 ms';
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(value < 10 ? 2 : 1)} s`;
}

/**
 * Sets the tab title of the page drawn in `view` (`<what> · execution-history`), unless that
 * view is no longer shown (a page left while it still loaded).
 */
export function setTitle(what: string, view: Element): void {
  if (!view.isConnected) return;
  document.title = `${what} · execution-history`;
}
