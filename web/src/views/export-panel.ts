import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import type { Selection } from '../selection.js';

const FORMATS = [
  { value: 'bundle', path: 'bundle', label: 'export.bundle', file: 'research-bundle.zip' },
  { value: 'jsonl', path: 'jsonl', label: 'export.jsonl', file: 'executions.jsonl' },
  { value: 'csv', path: 'csv', label: 'export.csv', file: 'runs.csv' },
] as const;
const NEWLINE = 10;

/** What the panel exports: the list's filters (no page), how many match, the selection. */
export interface ExportScope {
  filters: URLSearchParams;
  total: number;
  selection: Selection;
}

/** Formats that can leave the child's free text out (`omit_text`). */
const OMITS_TEXT = new Set(['bundle', 'csv']);

/**
 * The export URL of `format` for the filters (all their matches), or for exactly the selected
 * runs (whatever the filter now is: the selection was made across pages and filters).
 */
export function exportUrl(
  format: string,
  filters: URLSearchParams,
  ids: readonly string[] | null,
  omitText = false,
): string {
  const query = ids ? new URLSearchParams({ ids: ids.join(',') }) : new URLSearchParams(filters);
  query.delete('limit');
  query.delete('offset');
  if (omitText && OMITS_TEXT.has(format)) query.set('omit_text', '1');
  const path = FORMATS.find((f) => f.value === format)?.path ?? 'bundle';
  return `/api/executions/export/${path}${query.size ? `?${query}` : ''}`;
}

/**
 * Exports what the list shows: its filters, or only the selected runs, as the research bundle,
 * JSONL or CSV; streamed with progress (runs for the line formats, bytes for the ZIP), then
 * saved by the browser under the server's file name.
 */
export function exportPanel(scope: () => ExportScope): { el: HTMLElement; refresh: () => void } {
  const format = h(
    'select',
    { id: 'export-format' },
    FORMATS.map((f) => h('option', { value: f.value }, t(f.label))),
  );
  const which = h('select', { id: 'export-scope' });
  const start = h(
    'button',
    { type: 'submit', class: 'primary', id: 'export-start' },
    t('export.start'),
  );
  const cancel = h(
    'button',
    { type: 'button', id: 'export-cancel', hidden: true },
    t('export.cancel'),
  );
  const bar = h('progress', {
    id: 'export-progress',
    max: 1,
    value: 0,
    hidden: true,
    'aria-label': t('export.title'),
  });
  const omit = h('input', { type: 'checkbox', id: 'export-omit-text' });
  const key = h('input', {
    type: 'password',
    id: 'export-study-key',
    autocomplete: 'off',
    minlength: 16,
    size: 18,
  });
  const omitField = h(
    'div',
    { class: 'field check' },
    omit,
    h('label', { for: 'export-omit-text' }, t('export.omitText')),
  );
  const keyField = h(
    'div',
    { class: 'field' },
    h('label', { for: 'export-study-key' }, t('export.studyKey')),
    key,
  );
  const showOptions = () => {
    omitField.hidden = !OMITS_TEXT.has(format.value);
    keyField.hidden = format.value !== 'bundle';
  };
  format.addEventListener('change', showOptions);
  const status = h('p', { class: 'hint export-status', role: 'status', 'aria-live': 'polite' });
  let running: AbortController | null = null;

  const refresh = () => {
    const { total, selection } = scope();
    const picked = selection.list().length;
    const chosen = which.value;
    replace(
      which,
      h('option', { value: 'filter' }, t('export.scopeFilter', { n: total })),
      picked > 0 && h('option', { value: 'selection' }, t('export.scopeSelection', { n: picked })),
    );
    which.value = chosen === 'selection' && picked > 0 ? 'selection' : 'filter';
  };

  const run = async () => {
    const { filters, total, selection } = scope();
    const ids = which.value === 'selection' ? selection.list() : null;
    const chosen = FORMATS.find((f) => f.value === format.value)!;
    running = new AbortController();
    start.disabled = true;
    cancel.hidden = false;
    bar.hidden = false;
    bar.removeAttribute('value'); // indeterminate until the first bytes
    status.textContent = '';
    try {
      const studyKey = chosen.value === 'bundle' ? key.value.trim() : '';
      const res = await fetch(
        exportUrl(chosen.value, filters, ids, omit.checked && OMITS_TEXT.has(chosen.value)),
        // Pseudonyms: the study key goes in a header, never in the URL.
        { signal: running.signal, headers: studyKey ? { 'x-study-key': studyKey } : {} },
      );
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as {
          error?: { message?: string };
        } | null;
        throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
      }
      const matching = Number(res.headers.get('x-export-matching') ?? (ids ? ids.length : total));
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.length;
        if (chosen.value !== 'bundle') for (const b of value) if (b === NEWLINE) lines += 1;
        const records = chosen.value === 'csv' ? Math.max(0, lines - 1) : lines;
        if (chosen.value === 'bundle') {
          status.textContent = t('export.progressBytes', {
            kb: Math.round(bytes / 1024),
            total: matching,
          });
        } else {
          bar.max = Math.max(1, matching);
          bar.value = Math.min(records, matching);
          status.textContent = t('export.progressRecords', { done: records, total: matching });
        }
      }
      const name =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? chosen.file;
      const url = URL.createObjectURL(
        new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? '' }),
      );
      const link = h('a', { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      bar.max = 1;
      bar.value = 1;
      status.textContent = t('export.done', {
        name,
        kb: Math.round(bytes / 1024),
        records: matching,
      });
    } catch (error) {
      bar.hidden = true;
      status.textContent = running?.signal.aborted
        ? t('export.cancelled')
        : t('export.failed', { message: (error as Error).message });
    } finally {
      running = null;
      start.disabled = false;
      cancel.hidden = true;
    }
  };

  cancel.addEventListener('click', () => running?.abort());
  const form = h(
    'form',
    { class: 'export card', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, t('export.title')),
    h(
      'div',
      { class: 'export-row' },
      h('div', { class: 'field' }, h('label', { for: 'export-scope' }, t('export.scope')), which),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'export-format' }, t('export.format')),
        format,
      ),
      omitField,
      keyField,
      h('div', { class: 'field buttons' }, start, cancel),
    ),
    bar,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!running) void run();
  });
  refresh();
  showOptions();
  return { el: form, refresh };
}
