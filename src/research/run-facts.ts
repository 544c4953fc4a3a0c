import type { ExecutionItem } from '../domain/execution-item.js';
import type { ExecutionRecord } from '../domain/execution-record.js';

/** Several values in one cell: distinct, in the order they first appear, joined by `;`. */
export const LIST_SEPARATOR = ';';

function joined(values: Iterable<unknown>): string | null {
  const seen = new Set<string>();
  for (const v of values) if (typeof v === 'string' && v !== '') seen.add(v);
  return seen.size ? [...seen].join(LIST_SEPARATOR) : null;
}

/** The distinct backends (or models) of a stage's items, `;`-joined; null when none. */
export function stageTools(
  record: ExecutionRecord,
  stage: number,
  field: 'backend_type' | 'model_used',
): string | null {
  return joined(record.items.filter((i) => i.stage === stage).map((i) => i[field]));
}

/** Every backend the run used, `;`-joined; null when none is recorded. */
export function allBackends(record: ExecutionRecord): string | null {
  return joined(record.items.map((i) => i.backend_type));
}

/** True when every recorded backend is `offline` (a demo run); null when none is recorded. */
export function offlineOnly(record: ExecutionRecord): boolean | null {
  const backends = record.items.map((i) => i.backend_type).filter((b) => b !== null);
  return backends.length ? backends.every((b) => b === 'offline') : null;
}

/** Stage 4 outputs of one medium (`output_<medium>` items). */
export function outputsOf(record: ExecutionRecord, medium: string): number {
  return record.items.filter((i) => i.item_type === `output_${medium}`).length;
}

/** The first block of the run (stage 1, else the first stage 3 block), or undefined. */
export function firstBlock(record: ExecutionRecord): ExecutionItem | undefined {
  return (
    record.items.find((i) => i.item_type === 'stage1_blocked') ??
    record.items.find((i) => i.item_type === 'stage3_blocked')
  );
}

/** A metadata value of an item as text: a string as is, a list `;`-joined; else null. */
export function metaText(item: ExecutionItem | undefined, key: string): string | null {
  const v = item?.metadata[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return joined(v);
  return null;
}

/** The interception config's version (SHA-256 of its content) as the stage 2 items record it. */
export function configVersion(record: ExecutionRecord): string | null {
  for (const i of record.items) {
    const v = i.stage === 2 ? i.metadata.config_version : undefined;
    if (typeof v === 'string') return v;
  }
  return null;
}

/**
 * The languages the prompt passed through: the input language, the translation's target (`en`
 * when stage 1 translated), then each Stille Post step's target language, `>`-joined.
 */
export function languageChain(record: ExecutionRecord): string | null {
  const chain: string[] = [];
  const push = (lang: unknown) => {
    if (typeof lang === 'string' && lang !== '' && chain[chain.length - 1] !== lang)
      chain.push(lang);
  };
  const input = record.items.find((i) => i.item_type === 'user_input_text');
  push(input?.metadata.input_language);
  const translation = record.items.find((i) => i.item_type === 'translation_result');
  if (translation) {
    push(translation.metadata.from_lang);
    push(translation.metadata.to_lang ?? 'en');
  }
  for (const i of record.items)
    if (i.item_type === 'interception_iteration') {
      push(i.metadata.from_lang);
      push(i.metadata.to_lang);
    }
  return chain.length ? chain.join('>') : null;
}
