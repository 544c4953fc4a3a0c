import { z } from 'zod';
import { ITEM_FIELDS } from './execution-item.js';
import { ExecutionRecordSchema, type ExecutionRecord } from './execution-record.js';
import { isKnownItemType } from './item-type.js';
import { isKnownMediaType } from './media-type.js';

/** A document that is not a readable ExecutionRecord; the message names the source and why. */
export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: not a readable execution record: ${problem}`);
  }
}

/** A parsed record and what was unusual about it (unknown types are kept, not dropped). */
export interface ParsedRecord {
  record: ExecutionRecord;
  warnings: string[];
}

/** Validates a decoded JSON value as a record; `source` names it in errors and warnings. */
export function toRecord(value: unknown, source: string): ParsedRecord {
  const result = ExecutionRecordSchema.safeParse(value);
  if (!result.success) throw new RecordFormatError(source, z.prettifyError(result.error));
  const record = result.data;
  const warnings: string[] = [];
  for (const item of record.items) {
    if (!isKnownItemType(item.item_type)) {
      warnings.push(
        `${source}: item ${item.sequence_number} has unknown item_type "${item.item_type}" (kept)`,
      );
    }
    if (!isKnownMediaType(item.media_type)) {
      warnings.push(
        `${source}: item ${item.sequence_number} has unknown media_type "${item.media_type}" (kept)`,
      );
    }
  }
  return { record, warnings };
}

/**
 * Parses record JSON text; throws `RecordFormatError` naming `source` when it is not a record.
 * NOTE: the error never quotes the text (it may hold a child's words), only where it broke.
 */
export function parseRecord(text: string, source: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the fault: the child's words never leave here.
    const at = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new RecordFormatError(source, `invalid JSON${at ? ` (at position ${at})` : ''}`);
  }
  return toRecord(value, source);
}

/**
 * `Object.keys(value)` in the order `sort()` gives (UTF-16 code units), sorted in place: a
 * record's objects have a few keys each, and `Array.prototype.sort` allocates a work copy.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Compact JSON with keys sorted at every level: equal texts mean equal values, in any key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** An item's key-sorted copy: the fields of the schema in their order, others by `sortKeys`. */
function sortedItem(item: Record<string, unknown>): unknown {
  const keys = Object.keys(item);
  if (keys.length !== ITEM_FIELDS.length || !ITEM_FIELDS.every((k) => k in item))
    return sortKeys(item);
  const out: Record<string, unknown> = {};
  for (const key of ITEM_FIELDS) out[key] = key === 'metadata' ? sortKeys(item[key]) : item[key];
  return out;
}

/** Each frozen item's key-sorted copy (the record path freezes its items; later states share them). */
const sortedItems = new WeakMap<object, unknown>();

function sortedItemOf(item: object): unknown {
  if ((item as { [SORTED]?: true })[SORTED] === true) return item;
  const frozen = Object.isFrozen(item);
  const cached = frozen ? sortedItems.get(item) : undefined;
  if (cached !== undefined) return cached;
  const sorted = sortedItem(item as Record<string, unknown>);
  if (frozen) sortedItems.set(item, sorted);
  return sorted;
}

/** A deep copy of a JSON value with its keys sorted at every level (as serialization writes them). */
export function sortedCopy<T>(value: T): T {
  return sortKeys(value) as T;
}

/** The mark of an item that is its own key-sorted copy (a non-enumerable property: never written). */
const SORTED = Symbol('sorted item');

/**
 * Marks an item that is already in canonical order (its own fields in `ITEM_FIELDS` order, its
 * metadata sorted at every level, e.g. by `sortedCopy`) as its own key-sorted copy, before it
 * is frozen: serialization then writes it as it is. The item's fields are checked, the
 * metadata trusted. True when marked.
 */
export function markSortedItem(item: object): boolean {
  if (Object.isFrozen(item)) return false;
  let i = 0;
  for (const key in item) if (key !== ITEM_FIELDS[i++]) return false;
  if (i !== ITEM_FIELDS.length) return false;
  Object.defineProperty(item, SORTED, { value: true });
  return true;
}

/**
 * Canonical JSON: keys sorted at every level, 2-space indent, non-ASCII as is, a final newline.
 * One `JSON.stringify` of a key-sorted copy; a frozen item's sorted copy (the record path
 * freezes its items; every later state of a run shares them) is made once and reused.
 * NOTE: the record is expected to have passed the schema, so every field is present.
 */
export function serializeRecord(record: ExecutionRecord): string {
  return `${serializeRecordBody(record)}\n`;
}

/**
 * `serializeRecord` without the final newline: for a writer that adds the newline as a byte
 * (appending it to the string would copy the whole text once more).
 */
export function serializeRecordBody(record: ExecutionRecord): string {
  const sorted: Record<string, unknown> = {};
  for (const key of sortedKeys(record)) {
    const v = (record as Record<string, unknown>)[key];
    if (v === undefined) continue;
    sorted[key] =
      key === 'items' && Array.isArray(v) ? v.map((i) => sortedItemOf(i as object)) : sortKeys(v);
  }
  return JSON.stringify(sorted, null, 2);
}
