import { diag } from '@opentelemetry/api';
import type { ExecutionRecord } from '../domain/execution-record.js';
import type { RecordSpoolOptions, SaveOutcome, SpoolStats } from './record-spool-options.js';
import type { RecordStore } from './record-store.js';
import { until } from './until-deadline.js';

const log = diag.createComponentLogger({ namespace: 'record-spool' });

export type { RecordSpoolOptions, SaveOutcome, SpoolStats } from './record-spool-options.js';

interface Job {
  build: () => ExecutionRecord;
  final: boolean;
  waiters: ((outcome: SaveOutcome) => void)[];
}

interface Slot {
  id: string;
  writing: Promise<void> | null;
  /** The newest state waiting for the write under way; later saves replace it (coalescing). */
  next: Job | null;
  /** The newest state that failed to save: held and retried. */
  failed: { record: ExecutionRecord; final: boolean } | null;
}

const TOMBSTONES = 10_000;
/** The real `setImmediate`, captured at load (a yield to I/O, not a timer: fake clocks leave it). */
const yieldToIo = globalThis.setImmediate;
/** Runs whose write waits for the caller's turn to end, at most (their spans are held meanwhile). */
const MAX_DEFERRED = 256;

/**
 * Saves records through a `RecordStore` so that none is lost silently: per run at most one write
 * at a time and the newest state next (intermediate states coalesce); a record the store refuses
 * is held and retried with backoff until it lands; a deleted run's saves are dropped. Written
 * once above the store, for every store.
 */
export class RecordSpool {
  private readonly slots = new Map<string, Slot>();
  /** Ids with a failed record, oldest first. */
  private readonly pending = new Map<string, number>();
  private readonly tombstones = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private retrying = false;
  /** Slots whose write waits for the caller's turn to end, oldest first, with their start. */
  private readonly deferred = new Map<Slot, () => void>();
  private readonly counters = {
    saves: 0,
    save_failures: 0,
    retries: 0,
    dropped: 0,
    refused: 0,
    last_error: null as string | null,
    last_error_at: null as string | null,
  };

  constructor(
    readonly store: RecordStore,
    private readonly options: RecordSpoolOptions = {},
  ) {
    this.retryDelay = options.retryInitialMillis ?? 200;
  }

  /**
   * Saves the record `build` makes (called when its write starts, so coalesced states are built
   * once); resolves when the store has it, or when it is held for retry.
   */
  save(id: string, build: () => ExecutionRecord, final: boolean): Promise<SaveOutcome> {
    if (this.tombstones.has(id)) return Promise.resolve('discarded');
    return new Promise<SaveOutcome>((resolve) => {
      let slot = this.slots.get(id);
      if (!slot) this.slots.set(id, (slot = { id, writing: null, next: null, failed: null }));
      if (slot.next) {
        slot.next.build = build;
        slot.next.final ||= final;
        slot.next.waiters.push(resolve);
      } else {
        slot.next = { build, final, waiters: [resolve] };
      }
      if (slot.writing) return;
      // A caller that never yields: the run waiting longest is built now (its later states have
      // joined it meanwhile, often its final one), so no more than this many wait.
      if (this.deferred.size >= MAX_DEFERRED) this.deferred.values().next().value!();
      slot.writing = this.pumpSoon(slot);
    });
  }

  /** Ends a run's saving: queued and held states are dropped, a write under way is awaited. */
  async discard(id: string): Promise<void> {
    this.tombstones.add(id);
    if (this.tombstones.size > TOMBSTONES)
      this.tombstones.delete(this.tombstones.values().next().value!);
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.next?.waiters.forEach((w) => w('discarded'));
    slot.next = null;
    slot.failed = null;
    this.pending.delete(id);
    await slot.writing;
    this.slots.delete(id);
  }

  /** True when `id` was discarded (deleted while it ran). */
  isDiscarded(id: string): boolean {
    return this.tombstones.has(id);
  }

  /** The newest record of `id` held for retry, if any. */
  held(id: string): ExecutionRecord | undefined {
    return this.slots.get(id)?.failed?.record;
  }

  /** Every record held for retry. */
  heldRecords(): ExecutionRecord[] {
    return [...this.slots.values()].flatMap((s) => (s.failed ? [s.failed.record] : []));
  }

  /**
   * Waits for writes under way and retries held records until none is left or `deadline`
   * (epoch ms) passes; returns the ids still not saved.
   */
  async flush(deadline: number): Promise<string[]> {
    for (;;) {
      const writing = [...this.slots.values()].flatMap((s) => (s.writing ? [s.writing] : []));
      if (writing.length > 0) {
        await until(Promise.allSettled(writing), deadline);
      } else if (this.pending.size > 0) {
        await until(this.retryAll(), deadline);
        if (this.pending.size > 0) await until(new Promise(() => {}), Date.now() + 100);
      } else {
        return [];
      }
      if (Date.now() >= deadline) return [...this.pending.keys()];
    }
  }

  stats(): SpoolStats {
    const oldest = this.pending.values().next().value;
    return {
      pending: this.pending.size,
      pending_since: oldest === undefined ? null : new Date(oldest).toISOString(),
      ...this.counters,
    };
  }

  /** Stops the retry timer (held records stay held). */
  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * Starts the slot's write once the current turn of the event loop is done: states saved in
   * the same turn (stage ends with no I/O between them, as at a run's end) are built and written
   * once, and the caller's code runs on before any record is built.
   */
  private pumpSoon(slot: Slot): Promise<void> {
    return new Promise<void>((resolve) => {
      const start = (): void => {
        if (this.deferred.get(slot) !== start) return; // started already, as the oldest waiting
        this.deferred.delete(slot);
        slot.writing = null;
        if (slot.next) this.pump(slot);
        else if (!slot.failed) this.slots.delete(slot.id);
        resolve();
      };
      this.deferred.set(slot, start);
      yieldToIo(start);
    });
  }

  private pump(slot: Slot): void {
    const job = slot.next!;
    slot.next = null;
    let record: ExecutionRecord;
    try {
      record = job.build();
    } catch (error) {
      this.failure(error);
      job.waiters.forEach((w) => w('failed'));
      if (!slot.failed) this.slots.delete(slot.id);
      return;
    }
    slot.writing = this.write(slot, record, job.final).then((outcome) => {
      job.waiters.forEach((w) => w(outcome));
      slot.writing = null;
      if (slot.next) this.pump(slot);
      else if (!slot.failed) this.slots.delete(slot.id);
    });
  }

  /** One attempt to write `record`; on failure it is held (unless the run was discarded). */
  private async write(slot: Slot, record: ExecutionRecord, final: boolean): Promise<SaveOutcome> {
    try {
      const admission = await this.options.ownership?.admit(
        record,
        this.options.origin ?? 'pipeline',
      );
      if (admission?.verdict === 'refused') {
        this.counters.refused += 1;
        if (slot.failed) {
          slot.failed = null;
          this.pending.delete(slot.id);
        }
        return 'refused';
      }
      if (admission?.verdict !== 'duplicate') await this.store.save(record);
    } catch (error) {
      this.failure(error);
      if (this.tombstones.has(slot.id)) return 'discarded';
      slot.failed = { record, final: final || (slot.failed?.final ?? false) };
      this.hold(slot.id);
      return 'pending';
    }
    this.counters.saves += 1;
    if (this.tombstones.has(slot.id)) return 'discarded';
    if (slot.failed) {
      slot.failed = null;
      this.pending.delete(slot.id);
      log.info(`record ${slot.id} landed after being held`);
    }
    this.options.ownership?.landed(record);
    try {
      this.options.onLanded?.(record, final);
    } catch (error) {
      log.error('onLanded listener threw', error);
    }
    return 'saved';
  }

  private hold(id: string): void {
    if (!this.pending.has(id)) this.pending.set(id, Date.now());
    const max = this.options.maxPending ?? 10_000;
    while (this.pending.size > max) {
      const [oldest] = this.pending.keys();
      this.pending.delete(oldest!);
      const slot = this.slots.get(oldest!);
      if (slot) slot.failed = null;
      if (slot && !slot.writing && !slot.next) this.slots.delete(oldest!);
      this.counters.dropped += 1;
      log.error(`record ${oldest} LOST: the spool holds ${max} unsaved records already`);
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.retrying) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryRound();
    }, this.retryDelay);
    this.retryTimer.unref();
  }

  /** Retries the oldest held record; when it lands, every other one too. */
  private async retryRound(): Promise<void> {
    this.retrying = true;
    try {
      const [first] = this.retryable();
      if (!first) return;
      if (await this.retryOne(first)) {
        this.retryDelay = this.options.retryInitialMillis ?? 200;
        await this.retryAll();
      } else {
        this.retryDelay = Math.min(this.retryDelay * 2, this.options.retryMaxMillis ?? 30_000);
      }
    } finally {
      this.retrying = false;
      if (this.pending.size > 0) this.scheduleRetry();
    }
  }

  private async retryAll(): Promise<void> {
    await Promise.all(this.retryable().map((slot) => this.retryOne(slot)));
  }

  private retryable(): Slot[] {
    return [...this.pending.keys()].flatMap((id) => {
      const slot = this.slots.get(id);
      return slot?.failed && !slot.writing && !slot.next ? [slot] : [];
    });
  }

  private async retryOne(slot: Slot): Promise<boolean> {
    const held = slot.failed!;
    this.counters.retries += 1;
    const attempt = this.write(slot, held.record, held.final);
    slot.writing = attempt.then(() => undefined);
    const outcome = await attempt;
    slot.writing = null;
    if (slot.next) this.pump(slot);
    else if (!slot.failed) this.slots.delete(slot.id);
    return outcome === 'saved';
  }

  private failure(error: unknown): void {
    this.counters.save_failures += 1;
    this.counters.last_error = error instanceof Error ? error.message : String(error);
    this.counters.last_error_at = new Date().toISOString();
    log.error('could not save an execution record', error);
  }
}
