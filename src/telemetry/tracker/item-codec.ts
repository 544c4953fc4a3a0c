import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ExecutionItem } from '../../domain/execution-item.js';
import { formatHrTime } from '../../domain/timestamp.js';
import * as A from './attributes.js';

/** What `serializeMetadata` writes when a value cannot be serialized. */
export const UNSERIALIZABLE = '{"_unserializable":true}';

/** An item as a span event carries it: the event name is the item type, the time its timestamp. */
export interface ItemEvent {
  name: string;
  time: HrTime;
  attributes?: Attributes;
}

/** An item's event attributes, and the item as decoding them gives it back. */
export interface EncodedItem {
  attributes: Attributes;
  /**
   * The item as the record will hold it: the given item itself when its metadata is plain JSON
   * (its JSON then equals the record's), else a copy with the metadata as decoded.
   */
  item: ExecutionItem;
}

const plain = (metadata: Readonly<Record<string, unknown>>): string | undefined => {
  try {
    return JSON.stringify(metadata); // the fast path: no replacer
  } catch {
    return undefined;
  }
};

/**
 * Serializes item metadata to JSON for a span event attribute. Never throws: BigInts become
 * strings; cycles and throwing getters fall back to a placeholder object.
 */
export function serializeMetadata(metadata: Readonly<Record<string, unknown>> | undefined): string {
  if (metadata === undefined) return '{}';
  const json = plain(metadata);
  if (json !== undefined) return json;
  try {
    return JSON.stringify(metadata, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
  } catch {
    return UNSERIALIZABLE;
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

/** The span event attributes of an item (pure; its type and timestamp go in the event's name and time). */
export function encodeItem(item: ExecutionItem): EncodedItem {
  const fast = plain(item.metadata);
  const metadata = fast ?? serializeMetadata(item.metadata);
  const attributes: Attributes = {
    [A.ATTR_ITEM_SEQUENCE]: item.sequence_number,
    [A.ATTR_ITEM_STAGE]: item.stage,
    [A.ATTR_ITEM_MEDIA_TYPE]: item.media_type,
    [A.ATTR_ITEM_METADATA]: metadata,
  };
  if (item.stage_iteration !== null) attributes[A.ATTR_ITEM_STAGE_ITERATION] = item.stage_iteration;
  if (item.loop_iteration !== null) attributes[A.ATTR_ITEM_LOOP_ITERATION] = item.loop_iteration;
  if (item.content !== null) attributes[A.ATTR_ITEM_CONTENT] = item.content;
  if (item.file_path !== null) attributes[A.ATTR_ITEM_FILE_PATH] = item.file_path;
  if (item.config_used !== null) attributes[A.ATTR_ITEM_CONFIG_USED] = item.config_used;
  if (item.model_used !== null) attributes[A.ATTR_ITEM_MODEL_USED] = item.model_used;
  if (item.backend_type !== null) attributes[A.ATTR_ITEM_BACKEND_TYPE] = item.backend_type;
  if (item.execution_time !== null) attributes[A.ATTR_ITEM_EXECUTION_TIME] = item.execution_time;
  return {
    attributes,
    item: fast !== undefined ? item : { ...item, metadata: parseMetadata(metadata) },
  };
}

/** A string attribute, or null. */
export const str = (a: Attributes, key: string): string | null => {
  const v = a[key];
  return typeof v === 'string' ? v : null;
};
/** A number attribute, or null. */
export const num = (a: Attributes, key: string): number | null => {
  const v = a[key];
  return typeof v === 'number' ? v : null;
};

/** One span event as an ExecutionItem (pure); null for events that are not items (e.g. exceptions). */
export function decodeItem(event: ItemEvent): ExecutionItem | null {
  const a = event.attributes ?? {};
  const sequence = num(a, A.ATTR_ITEM_SEQUENCE);
  if (sequence === null) return null;
  const content = str(a, A.ATTR_ITEM_CONTENT);
  // The fields in sorted order (ITEM_FIELDS), as a record's JSON writes them.
  return {
    backend_type: str(a, A.ATTR_ITEM_BACKEND_TYPE),
    config_used: str(a, A.ATTR_ITEM_CONFIG_USED),
    content,
    execution_time: num(a, A.ATTR_ITEM_EXECUTION_TIME),
    file_path: str(a, A.ATTR_ITEM_FILE_PATH),
    item_type: event.name,
    loop_iteration: num(a, A.ATTR_ITEM_LOOP_ITERATION),
    media_type: str(a, A.ATTR_ITEM_MEDIA_TYPE) ?? 'metadata',
    metadata: withheld(content, a, parseMetadata(a[A.ATTR_ITEM_METADATA])),
    model_used: str(a, A.ATTR_ITEM_MODEL_USED),
    sequence_number: sequence,
    stage: num(a, A.ATTR_ITEM_STAGE) ?? 0,
    stage_iteration: num(a, A.ATTR_ITEM_STAGE_ITERATION),
    timestamp: formatHrTime(event.time),
  };
}

/**
 * Metadata of an item whose text the `metadata` content policy withheld (its length and
 * SHA-256 sent instead): marked `content_withheld` with both, so the record never reads as
 * an item without text.
 */
function withheld(
  content: string | null,
  a: Attributes,
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const length = num(a, A.ATTR_ITEM_CONTENT_LENGTH);
  if (content !== null || length === null) return metadata;
  return {
    ...metadata,
    content_withheld: true,
    content_length: length,
    content_sha256: str(a, A.ATTR_ITEM_CONTENT_SHA256),
  };
}
