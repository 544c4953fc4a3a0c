import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as server from '../src/server-api.js';

describe('public API', () => {
  it('exports the tracker, the exporter, the stores and the record codec; the server has its own entry', () => {
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
    ]) {
      expect(api, name).toHaveProperty(name);
    }
    for (const name of ['createApp', 'createRuntime', 'loadConfig']) {
      expect(api, name).not.toHaveProperty(name);
      expect(server, name).toHaveProperty(name);
    }
  });
});
