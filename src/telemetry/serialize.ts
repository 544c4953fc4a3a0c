/** What `serializeMetadata` writes when a value cannot be serialized. */
export const UNSERIALIZABLE = '{"_unserializable":true}';

/**
 * Serializes item metadata to JSON for a span event attribute. Never throws: cycles, BigInts and
 * throwing getters fall back to a placeholder object.
 */
export function serializeMetadata(metadata: Readonly<Record<string, unknown>> | undefined): string {
  if (metadata === undefined) return '{}';
  try {
    return JSON.stringify(metadata); // the fast path: no replacer
  } catch {
    try {
      // BigInts are the one JSON-less value worth keeping; cycles and throwing getters are not.
      return JSON.stringify(metadata, (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
    } catch {
      return UNSERIALIZABLE;
    }
  }
}

/** Parses what `serializeMetadata` wrote; anything else becomes `{ _raw: text }`. */
export function parseMetadata(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  return { _raw: text };
}
