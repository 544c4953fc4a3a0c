import type { ExecutionRecord } from '../../domain/execution-record.js';

/**
 * The texts of a run that a search looks in: the child's prompt, its translation and the
 * prompt after interception (the first item of each type). Only text the record holds is
 * here: content withheld by a content policy (`content: null`) and item metadata (which may
 * carry matched terms or a model's words) are never searched nor shown in a list.
 */
export interface SearchTexts {
  original: string | null;
  translation: string | null;
  finalPrompt: string | null;
}

/** No searchable text. */
export const NO_SEARCH_TEXTS: SearchTexts = {
  original: null,
  translation: null,
  finalPrompt: null,
};

/** Longest prompt excerpt of a list entry, in characters (code points). */
export const EXCERPT_MAX_CHARS = 120;

function firstContent(record: ExecutionRecord, itemType: string): string | null {
  const item = record.items.find((i) => i.item_type === itemType);
  return typeof item?.content === 'string' && item.content.length > 0 ? item.content : null;
}

/** The searchable texts of a record (pure). */
export function searchTexts(record: ExecutionRecord): SearchTexts {
  return {
    original: firstContent(record, 'user_input_text'),
    translation: firstContent(record, 'translation_result'),
    finalPrompt: firstContent(record, 'interception_final'),
  };
}

/**
 * The start of the child's prompt for a list, whitespace collapsed, at most
 * `EXCERPT_MAX_CHARS` characters (an ellipsis marks a cut); null when the record holds none.
 */
export function promptExcerpt(texts: SearchTexts): string | null {
  if (texts.original === null) return null;
  const flat = texts.original.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= EXCERPT_MAX_CHARS) return flat || null;
  return `${chars
    .slice(0, EXCERPT_MAX_CHARS - 1)
    .join('')
    .trimEnd()}…`;
}
