import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API', () => {
  it('exports the tracker, the exporter, the stores, the record codec and the server', () => {
    for (const name of [
      'ExecutionTracker',
      'ExecutionRecordExporter',
      'createTracing',
      'spansToRecord',
      'FileRecordStore',
      'MemoryRecordStore',
      'PostgresRecordStore',
      'StoreUnavailableError',
      'parseRecord',
      'serializeRecord',
      'ExecutionRecordSchema',
      'createApp',
      'createRuntime',
      'loadConfig',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});
