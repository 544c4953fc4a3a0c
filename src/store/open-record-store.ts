import {
  FileRecordStore,
  type FileRecordStoreOptions,
  type StoreSpace,
} from './file-record-store.js';
import { PostgresRecordStore } from './postgres-record-store.js';
import type { RecordStore } from './record-store.js';

/** Options of `openRecordStore`. */
export interface OpenRecordStoreOptions {
  /** `postgres://…`: the PostgreSQL store; null or undefined: the file store. */
  databaseUrl?: string | null;
  /** The file store's directory (used only without `databaseUrl`). */
  executionsDir: string;
  /** Where the store's warnings go; default: dropped. */
  warn?: (message: string) => void;
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
  /** The file store's fsync and low-space settings (see `FileRecordStoreOptions`). */
  file?: Pick<FileRecordStoreOptions, 'fsync' | 'minFreeBytes' | 'tombstoneMillis'>;
}

/** A store the server can run on: the RecordStore API, a write probe for /health, and close. */
export type ServerRecordStore = RecordStore & {
  probeWritable(): Promise<void>;
  space?(): Promise<StoreSpace>;
  close(): Promise<void>;
};

/**
 * Opens the store the configuration selects: PostgreSQL when `databaseUrl` is set (rejects
 * with a one-line `StoreUnavailableError` when it cannot be reached), else the file store.
 */
export async function openRecordStore(options: OpenRecordStoreOptions): Promise<ServerRecordStore> {
  if (options.databaseUrl)
    return PostgresRecordStore.open(options.databaseUrl, {
      warn: options.warn,
      poolSize: options.poolSize,
    });
  return FileRecordStore.open(options.executionsDir, { warn: options.warn, ...options.file });
}
