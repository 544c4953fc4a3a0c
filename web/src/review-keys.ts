/** What the review mode's keys do. */
export interface ReviewKeyActions {
  /** Keys 1–9: pick the n-th choice (0-based) of the current question. */
  pick(n: number): void;
  /** `j` / `k`: the next (+1) or previous (-1) question. */
  move(by: 1 | -1): void;
  /** Enter: save. */
  submit(): void;
  /** `n`: the next run in the queue. */
  next(): void;
}

const TYPING = new Set(['TEXTAREA', 'SELECT']);
const CLICKABLE = new Set(['BUTTON', 'A', 'SUMMARY']);

function typingIn(el: Element | null): boolean {
  if (!el) return false;
  if (TYPING.has(el.tagName) || (el as HTMLElement).isContentEditable) return true;
  return el.tagName === 'INPUT' && !['radio', 'checkbox'].includes((el as HTMLInputElement).type);
}

/**
 * Listens for the review mode's keys on the document; returns the function that stops. Keys
 * with Ctrl, Alt or Meta, keys while a dialog is open, and keys typed into a field (but Enter
 * in a one-line field) are left to the browser; Enter on a button or link too.
 */
export function listenForReviewKeys(actions: ReviewKeyActions): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    if (document.querySelector('dialog[open]')) return;
    const el = document.activeElement;
    if (e.key === 'Enter') {
      if (el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || CLICKABLE.has(el.tagName)))
        return;
      e.preventDefault();
      actions.submit();
      return;
    }
    if (typingIn(el)) return;
    if (/^[1-9]$/.test(e.key)) actions.pick(Number(e.key) - 1);
    else if (e.key === 'j') actions.move(1);
    else if (e.key === 'k') actions.move(-1);
    else if (e.key === 'n') actions.next();
    else return;
    e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
