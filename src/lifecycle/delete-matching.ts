import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isExecutionId } from '../domain/execution-id.js';
import { hasAnnotations } from '../store/annotation-store.js';
import type { RecordQuery, RecordStore, RecordSummary } from '../store/record-store.js';

const PAGE = 100;
/** Rounds of list-then-delete; a later round catches records saved while an earlier one ran. */
const ROUNDS = 3;

/** What `deleteMatching` removed. */
export interface DeletedRecords {
  executionIds: string[];
  mediaDirs: number;
  /** Annotations of the deleted runs (0 for a store without annotations). */
  annotations: number;
}

/** Every record the store lists for `query`'s filters, newest first (what an erasure takes). */
export async function matchingSummaries(
  store: RecordStore,
  query: Omit<RecordQuery, 'limit' | 'offset'>,
): Promise<RecordSummary[]> {
  const found: RecordSummary[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.list({ ...query, limit: PAGE, offset });
    found.push(...page.records);
    if (page.records.length < PAGE || offset + PAGE >= page.total) return found;
  }
}

/** The ids of every record the store lists for `query`'s filters. */
export async function matchingIds(
  store: RecordStore,
  query: Omit<RecordQuery, 'limit' | 'offset'>,
): Promise<string[]> {
  return (await matchingSummaries(store, query)).map((r) => r.execution_id);
}

async function removeMedia(mediaDir: string, id: string): Promise<boolean> {
  if (!isExecutionId(id)) return false;
  const dir = join(mediaDir, id);
  const existed = await stat(dir).then(
    () => true,
    () => false,
  );
  await rm(dir, { recursive: true, force: true });
  return existed;
}

/**
 * Deletes every record the store lists for `query` (only its filters count), its annotations
 * and its media directory; `discard` first ends the recording of a run still going (so it never comes
 * back). `pending` names matching runs not in the store yet (open, or held while the store
 * fails): they are discarded and tombstoned too, and count as deleted. Written against
 * `RecordStore` alone, so it works with every store.
 */
export async function deleteMatching(
  store: RecordStore,
  query: Omit<RecordQuery, 'limit' | 'offset'>,
  mediaDir: string,
  discard?: (executionId: string) => Promise<void>,
  pending: () => string[] = () => [],
): Promise<DeletedRecords> {
  const attempted = new Set<string>();
  const executionIds: string[] = [];
  let mediaDirs = 0;
  let annotations = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const unsaved = new Set(pending());
    const listed = await matchingIds(store, query);
    const fresh = [...new Set([...unsaved, ...listed])].filter((id) => !attempted.has(id));
    if (fresh.length === 0) break;
    for (const id of fresh) {
      attempted.add(id);
      await discard?.(id);
      if (hasAnnotations(store)) annotations += await store.deleteAnnotations(id);
      if ((await store.delete(id)) || unsaved.has(id)) executionIds.push(id);
      if (await removeMedia(mediaDir, id)) mediaDirs += 1;
    }
  }
  return { executionIds, mediaDirs, annotations };
}
