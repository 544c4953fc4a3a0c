import { normalizeForFilter } from './normalize-for-filter.js';

/**
 * Fast term filter with word-boundary matching: `pain` does not match "painting" (the earlier
 * server's substring match did). A term ending in `*` also matches longer words (German
 * compounds: `hakenkreuz*` matches "Hakenkreuzfahne"). Terms and text are compared in the form
 * of `normalizeForFilter` (no zero-width splits, no look-alike letters), case-insensitively.
 */
export class TermFilter {
  private readonly patterns: { term: string; re: RegExp }[];

  constructor(terms: readonly string[]) {
    this.patterns = [...new Set(terms.map((t) => t.trim().toLowerCase()).filter(Boolean))].map(
      (term) => {
        const prefix = term.endsWith('*');
        const body = normalizeForFilter(prefix ? term.slice(0, -1) : term)
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\s+/g, '\\s+');
        const tail = prefix ? '' : '(?![\\p{L}\\p{N}])';
        return { term, re: new RegExp(`(?<![\\p{L}\\p{N}])${body}${tail}`, 'iu') };
      },
    );
  }

  /** The terms found in `text`, in list order. */
  find(text: string): string[] {
    const normalized = normalizeForFilter(text);
    return this.patterns.filter((p) => p.re.test(normalized)).map((p) => p.term);
  }
}
