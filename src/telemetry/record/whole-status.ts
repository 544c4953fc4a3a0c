import type { ExecutionItem } from '../../domain/execution-item.js';
import { RECORD_STATUSES, type RecordStatus } from '../../domain/execution-record.js';

/**
 * A final status holds only once every item the run logged is there: `pipeline_complete` counts
 * them (`total_items_logged`). A run whose run span came before some of its other spans (OTLP
 * ingest after a sender's outage, retried out of order) stays `incomplete` until the late spans
 * are merged in, then takes its outcome back, so a `completed` record never lacks items.
 * Conventions 1.1: the count includes `pipeline_complete` itself; a count one lower than the
 * terminal item's sequence number is read as excluding it. With `awaitEnd` (the run span states
 * its `execution.status`), a run said `completed` or `blocked` whose `pipeline_complete` has not
 * arrived yet (it may sit on a late stage span) is `incomplete` too.
 */
export function wholeStatus<S extends string>(
  status: S,
  items: readonly ExecutionItem[],
  awaitEnd = false,
): S | RecordStatus {
  const end = items.findLast((i) => i.item_type === 'pipeline_complete');
  if (!end)
    return awaitEnd && (status === 'completed' || status === 'blocked') ? 'incomplete' : status;
  const logged = end.metadata.total_items_logged;
  if (typeof logged !== 'number') return status;
  const expected = logged === end.sequence_number - 1 ? end.sequence_number : logged;
  if (items.length < expected) return 'incomplete';
  const outcome = end.metadata.outcome;
  return status === 'incomplete' && typeof outcome === 'string' && isRecordStatus(outcome)
    ? outcome
    : status;
}

const isRecordStatus = (s: string): s is RecordStatus =>
  (RECORD_STATUSES as readonly string[]).includes(s);
