import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { healthReport, OTLP_OPTIONAL_NOTE, type HealthSources } from '../../src/server/health.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import type { OtlpStats } from '../../src/telemetry/otlp/otlp-path.js';
import { tempDir } from '../helpers/temp-dir.js';

const FAILING: OtlpStats = {
  endpoint: 'http://127.0.0.1:4318/v1/traces',
  protocol: 'http/protobuf',
  content_policy: 'metadata',
  state: 'failing',
  spans_queued: 0,
  spans_exported: 0,
  spans_failed: 12,
  spans_dropped: 0,
  last_error: 'connect ECONNREFUSED 127.0.0.1:4318',
  last_error_at: '2026-12-03T07:00:00.000Z',
  last_success_at: null,
};

async function sources(extra: Partial<HealthSources>): Promise<HealthSources> {
  const store = await FileRecordStore.open(join(await tempDir(), 'executions'));
  return {
    store,
    recordPath: () => ({ pending: 0, last_error: null }) as never,
    otlp: () => FAILING,
    ...extra,
  };
}

describe('/health and a collector that does not answer', () => {
  it('a fresh install (default endpoint): ok, with a note', async () => {
    const report = await healthReport(await sources({ otlpOptional: true }));
    expect(report.status).toBe('ok');
    expect(report.otlp).toMatchObject({ state: 'failing', note: OTLP_OPTIONAL_NOTE });
  });

  it('an endpoint the operator set: degraded, no note', async () => {
    const report = await healthReport(await sources({}));
    expect(report.status).toBe('degraded');
    expect(report.otlp).not.toHaveProperty('note');
  });
});
