import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isExecutionId } from '../domain/execution-id.js';
import type { RecordStore, RecordSummary } from '../store/record-store.js';
import { matchingSummaries } from './delete-matching.js';
import { subjectQuery, type ErasureSubject } from './erase-subject.js';

/** What erasing a subject would take now: its records, and how many of them have media. */
export interface ErasurePreview {
  records: RecordSummary[];
  mediaDirs: number;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** What `eraseSubject` would erase for `subject`, read without changing anything. */
export async function previewErasure(
  store: RecordStore,
  subject: ErasureSubject,
  mediaDir: string,
): Promise<ErasurePreview> {
  const records = await matchingSummaries(store, subjectQuery(subject));
  let mediaDirs = 0;
  for (const r of records)
    if (isExecutionId(r.execution_id) && (await exists(join(mediaDir, r.execution_id))))
      mediaDirs += 1;
  return { records, mediaDirs };
}
