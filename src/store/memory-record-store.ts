import type { Annotation } from '../domain/annotation.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { serializeRecord } from '../domain/record-codec.js';
import {
  byCreation,
  matchesQuery,
  type AnnotationQuery,
  type AnnotationStore,
} from './annotation-store.js';
import { indexEntry, RecordIndex, type IndexEntry } from './record-index.js';
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
export class MemoryRecordStore implements RecordStore, AnnotationStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly annotations = new Map<string, Map<string, Annotation>>();
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

  /** The index entries matching `query`'s filters (for the study overview's aggregates). */
  matchingEntries(query: RecordQuery): Iterable<IndexEntry> {
    return this.index.matching(query);
  }

  async delete(executionId: string): Promise<boolean> {
    const id = requireExecutionId(executionId);
    this.index.remove(id);
    this.annotations.delete(id);
    return this.records.delete(id);
  }

  async putAnnotation(annotation: Annotation): Promise<boolean> {
    const id = requireExecutionId(annotation.execution_id);
    if (!this.records.has(id)) return false;
    const ofRun = this.annotations.get(id) ?? new Map<string, Annotation>();
    ofRun.set(annotation.annotation_id, structuredClone(annotation));
    this.annotations.set(id, ofRun);
    return true;
  }

  async annotationsOf(executionId: string): Promise<Annotation[]> {
    const ofRun = this.annotations.get(requireExecutionId(executionId));
    return [...(ofRun?.values() ?? [])].map((a) => structuredClone(a)).sort(byCreation);
  }

  async findAnnotations(query: AnnotationQuery): Promise<Annotation[]> {
    return [...this.annotations.values()]
      .flatMap((ofRun) => [...ofRun.values()])
      .filter((a) => matchesQuery(a, query))
      .map((a) => structuredClone(a))
      .sort(byCreation);
  }

  async deleteAnnotations(executionId: string): Promise<number> {
    const id = requireExecutionId(executionId);
    const count = this.annotations.get(id)?.size ?? 0;
    this.annotations.delete(id);
    return count;
  }

  async stats(): Promise<StoreStats> {
    return { ...this.index.totals(), unreadable: 0, unreadable_files: [] };
  }
}
