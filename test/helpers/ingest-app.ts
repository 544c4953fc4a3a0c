import express from 'express';
import { onTestFinished } from 'vitest';
import { OtlpIngest, type OtlpIngestOptions } from '../../src/server/otlp/otlp-ingest.js';
import { otlpRouter, type OtlpRouterOptions } from '../../src/server/otlp/otlp-routes.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { tempDir } from './temp-dir.js';

/** A service answering `POST /v1/traces` into its own temp-dir store (trace links as `testApp`'s). */
export async function ingestApp(
  options: {
    store?: RecordStore;
    record?: OtlpIngestOptions['record'];
    limits?: OtlpIngestOptions['limits'];
    router?: Partial<Omit<OtlpRouterOptions, 'ingest'>>;
  } = {},
) {
  const store = options.store ?? (await FileRecordStore.open(await tempDir()));
  const ingest = new OtlpIngest({
    store,
    limits: options.limits,
    record: { traceUrl: (t) => `http://jaeger.test/trace/${t}`, ...options.record },
  });
  const app = express().use(otlpRouter({ ingest, ...options.router }));
  return { app, ingest, store };
}

/** `ingestApp`, its ingest shut down when the current test ends. */
export async function ingestService(options: Parameters<typeof ingestApp>[0] = {}) {
  const service = await ingestApp(options);
  onTestFinished(async () => {
    await service.ingest.shutdown();
  });
  return service;
}
