import { FileRecordStore, type FileRecordStoreOptions } from '../../src/store/file-record-store.js';
import { afterTest, tempDir } from './temp-dir.js';

/**
 * A `FileRecordStore` in `dir` (default a fresh temp dir), closed after the current test so its
 * journal's file handle is not left to the garbage collector; closing it earlier is harmless.
 */
export async function openFileStore(
  dir?: string,
  options?: FileRecordStoreOptions,
): Promise<FileRecordStore> {
  const store = await FileRecordStore.open(dir ?? (await tempDir()), options);
  afterTest(() => store.close());
  return store;
}
