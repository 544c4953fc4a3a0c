import type { ExecutionRecord } from '../domain/execution-record.js';
import { serializeRecord } from '../domain/record-codec.js';
import { indexEntry, RecordIndex } from './record-index.js';
import {
  requireExecutionId,
  type RecordPage,
  type RecordQuery,
  type RecordStore,
  type StoreStats,
} from './record-store.js';

/**
 * A `RecordStore` in memory, with the same index and filters as the file store: for tests,
 * benchmarks and embedding where records need not outlive the process.
 */
export class MemoryRecordStore implements RecordStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly index = new RecordIndex();

  async save(record: ExecutionRecord): Promise<void> {
    const id = requireExecutionId(record.execution_id);
    this.records.set(id, structuredClone(record));
    this.index.put(indexEntry(record, Buffer.byteLength(serializeRecord(record))));
  }

  async get(executionId: string): Promise<ExecutionRecord | null> {
    const record = this.records.get(requireExecutionId(executionId));
    return record ? structuredClone(record) : null;
  }

  async list(query: RecordQuery = {}): Promise<RecordPage> {
    return this.index.query(query);
  }

  async delete(executionId: string): Promise<boolean> {
    const id = requireExecutionId(executionId);
    this.index.remove(id);
    return this.records.delete(id);
  }

  async stats(): Promise<StoreStats> {
    const entries = this.index.entries();
    return {
      records: entries.length,
      bytes: entries.reduce((sum, e) => sum + e.bytes, 0),
      unreadable: 0,
      unreadable_files: [],
      newest: entries[0]?.summary.timestamp ?? null,
      oldest: entries.at(-1)?.summary.timestamp ?? null,
    };
  }
}
