import { TermMatcher } from './safety/term-matcher.js';

/**
 * A plain term list as one filter: word-by-word matching (`pain` is not found in "painting"),
 * `*` at a term's end for longer words (`hakenkreuz*` finds "Hakenkreuzfahne"), after the
 * safety lists' normalisation (`filterText`). The pipeline uses the categorised lists of
 * `configs/safety/`; this stays for lists without categories.
 */
export class TermFilter {
  private readonly matcher: TermMatcher;

  constructor(terms: readonly string[]) {
    const unique = [...new Set(terms.map((t) => t.trim().toLowerCase()).filter(Boolean))];
    this.matcher = new TermMatcher(
      unique.map((term) => ({ term, category: 'other', lang: 'any' })),
    );
  }

  /** The terms found in `text`, in list order. */
  find(text: string): string[] {
    return this.matcher.find(text).map((m) => m.term);
  }
}
