/**
 * Item metadata keys whose values can carry the child's words, at any depth of `metadata`:
 * terms a safety filter matched in the prompt, a model's text about it (the stage 3 verdict),
 * and prompts a backend or an ingested span may put into its step's metadata. Whatever leaves
 * without the child's text (`omit_text`, the OTLP content policy `metadata`) leaves without
 * these.
 */
export const CHILD_TEXT_METADATA_KEYS = [
  'found_terms',
  'matched_terms',
  'verdict_text',
  'prompt',
  'prompt_text',
  'positive_prompt',
  'negative_prompt',
  'input_text',
  'translated_text',
  'output_text',
  'response_text',
  'completion',
  'messages',
] as const;
export type ChildTextMetadataKey = (typeof CHILD_TEXT_METADATA_KEYS)[number];

const KEYS: ReadonlySet<string> = new Set(CHILD_TEXT_METADATA_KEYS);

/** What replaces one removed value: keys and values merged in its place (e.g. a count). */
export type ChildTextReplacement = (
  key: ChildTextMetadataKey,
  value: unknown,
) => Record<string, unknown>;

function walk(value: unknown, replace: ChildTextReplacement): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, replace));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (KEYS.has(k)) Object.assign(out, replace(k as ChildTextMetadataKey, v));
    else out[k] = walk(v, replace);
  }
  return out;
}

/**
 * `metadata` without any value under a `CHILD_TEXT_METADATA_KEYS` key, at any depth (pure);
 * each removed value is replaced by what `replace` returns (default: its count or length).
 */
export function withoutChildText(
  metadata: Record<string, unknown>,
  replace: ChildTextReplacement = childTextSize,
): Record<string, unknown> {
  return walk(metadata, replace) as Record<string, unknown>;
}

/** The default replacement: `<key>_count` for a list, `<key>_chars` for a text, else nothing. */
export function childTextSize(key: string, value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return { [`${key}_count`]: value.length };
  if (typeof value === 'string') return { [`${key}_chars`]: [...value].length };
  return {};
}
