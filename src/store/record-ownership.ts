import { diag } from '@opentelemetry/api';
import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';
import { canonicalJson, serializeRecord } from '../domain/record-codec.js';
import { RecentMap } from '../common/recent-map.js';
import type { RecordStore } from './record-store.js';

const log = diag.createComponentLogger({ namespace: 'record-ownership' });

/** Which assembler a save comes from: this service's pipeline, or OTLP ingest. */
export type RecordOrigin = 'pipeline' | 'ingest';

/** Why a save was refused. */
export type OwnershipRefusal = 'other_trace' | 'pipeline_record' | 'completed_record';

/** What `admit` decided: write it, skip it (the store has it already), or refuse it. */
export type Admission =
  | { verdict: 'write' }
  | { verdict: 'duplicate' }
  | { verdict: 'refused'; reason: OwnershipRefusal };

interface Owner {
  traceId: string | null;
  /** `store`: known from the stored record only (saved before this process, or evicted here). */
  origin: RecordOrigin | 'store';
  /** A final (not `incomplete`) record is stored. */
  final: boolean;
}

/** Options of `RecordOwnership`. */
export interface RecordOwnershipOptions {
  /**
   * Owners remembered (the least recent go first; the store is asked again, and its record's
   * trace and final state guard it, as after a restart); default 10,000 (about 2 MB).
   */
  maxOwners?: number;
}

/**
 * Which trace owns each execution id, checked before every save of both assemblers (written
 * once above `RecordStore`, for every store): the first trace that writes an id owns it; a save
 * from another trace is refused; ingest never writes a record this service's pipeline made;
 * a final record changes only by exact duplicates of what it holds, plus items it lacks.
 * NOTE: the pipeline origin is known in memory only: after a restart a record made by the
 * pipeline is guarded by its trace id and its final state, as an ingested one is.
 */
export class RecordOwnership {
  private readonly owners: RecentMap<string, Owner>;
  /** The last refusal of each id, until taken; the newest 1,000. */
  private readonly refusals = new RecentMap<string, OwnershipRefusal>(1_000);
  private readonly counters = { refused_other_trace: 0, refused_pipeline: 0, refused_completed: 0 };

  constructor(
    private readonly store: RecordStore,
    options: RecordOwnershipOptions = {},
  ) {
    this.owners = new RecentMap(options.maxOwners ?? 10_000);
  }

  /**
   * Whether spans of `traceId` may go into run `id` (from memory only; `admit` decides at save
   * time): undefined when they may, else why not.
   */
  peek(id: string, traceId: string, origin: RecordOrigin): OwnershipRefusal | undefined {
    const owner = this.owners.get(id);
    if (!owner) return undefined;
    if (owner.traceId !== traceId) return 'other_trace';
    if (origin === 'ingest' && owner.origin === 'pipeline') return 'pipeline_record';
    return undefined;
  }

  /** Decides a save of `record` from `origin`; rejects only when the store cannot be read. */
  async admit(record: ExecutionRecord, origin: RecordOrigin): Promise<Admission> {
    const id = record.execution_id;
    let owner = this.owners.get(id);
    if (!owner && origin === 'ingest') {
      const stored = await this.store.get(id);
      owner = this.owners.get(id); // claimed while the store was read
      if (!owner && stored) owner = this.remember(id, ownerOf(stored, 'store'));
    }
    if (!owner) {
      this.remember(id, { traceId: record.trace_id, origin, final: false });
      return { verdict: 'write' };
    }
    this.remember(id, owner);
    const early = this.peek(id, record.trace_id ?? '', origin);
    if (early) return this.refuse(id, early);
    if (!owner.final) return { verdict: 'write' };
    const stored = await this.store.get(id);
    if (!stored) return { verdict: 'write' };
    if (serializeRecord(stored) === serializeRecord(record)) return { verdict: 'duplicate' };
    return onlyAddsItems(stored, record)
      ? { verdict: 'write' }
      : this.refuse(id, 'completed_record');
  }

  /** Notes a record that landed in the store. */
  landed(record: ExecutionRecord): void {
    const owner = this.owners.get(record.execution_id);
    if (owner) owner.final = effectiveStatus(record) !== 'incomplete';
  }

  /** Forgets an id (deleted: its tombstones guard it from now on). */
  forget(id: string): void {
    this.owners.delete(id);
  }

  /** The reason the last save of `id` was refused, once (for the sender's answer). */
  takeRefusal(id: string): OwnershipRefusal | undefined {
    const reason = this.refusals.get(id);
    this.refusals.delete(id);
    return reason;
  }

  stats(): { refused_other_trace: number; refused_pipeline: number; refused_completed: number } {
    return { ...this.counters };
  }

  private refuse(id: string, reason: OwnershipRefusal): Admission {
    if (reason === 'other_trace') this.counters.refused_other_trace += 1;
    else if (reason === 'pipeline_record') this.counters.refused_pipeline += 1;
    else this.counters.refused_completed += 1;
    this.refusals.set(id, reason);
    log.warn(`save of record ${id} refused: ${reason}`);
    return { verdict: 'refused', reason };
  }

  private remember(id: string, owner: Owner): Owner {
    this.owners.set(id, owner);
    return owner;
  }
}

function ownerOf(record: ExecutionRecord, origin: Owner['origin']): Owner {
  return { traceId: record.trace_id, origin, final: effectiveStatus(record) !== 'incomplete' };
}

/**
 * True when `next` is `stored` with items added and nothing else changed (late spans of the
 * owning trace filling a final record's gaps): every stored item is there unchanged, and every
 * other field is equal (the status may only stay).
 */
function onlyAddsItems(stored: ExecutionRecord, next: ExecutionRecord): boolean {
  // Compared by canonical JSON: a record read back from its file has its keys sorted, one
  // assembled from spans has them in the order they were made.
  const { items: storedItems, ...storedRest } = stored;
  const { items: nextItems, ...nextRest } = next;
  if (canonicalJson(storedRest) !== canonicalJson(nextRest)) return false;
  const bySequence = new Map(nextItems.map((i) => [i.sequence_number, canonicalJson(i)]));
  return storedItems.every((i) => bySequence.get(i.sequence_number) === canonicalJson(i));
}
