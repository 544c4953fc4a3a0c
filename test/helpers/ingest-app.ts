import express from 'express';
import { pino } from 'pino';
import { assembleServer } from '../../src/server/assembly.js';
import type { OtlpIngestOptions } from '../../src/server/otlp/otlp-ingest.js';
import { otlpRouter, type OtlpRouterOptions } from '../../src/server/otlp/otlp-routes.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { afterTest, tempDir } from './temp-dir.js';
import { testConfig } from './test-app.js';

/**
 * A record service from the production assembly (`PIPELINE=off`, OTLP ingest on) answering
 * `POST /v1/traces` into its own temp-dir store (trace links as `testApp`'s); shut down (its
 * ingest drained, its store closed) when the current test ends.
 */
export async function ingestApp(
  options: {
    store?: RecordStore;
    record?: OtlpIngestOptions['record'];
    limits?: OtlpIngestOptions['limits'];
    /** Serve the OTLP router alone over the assembled ingest, with these options. */
    router?: Partial<Omit<OtlpRouterOptions, 'ingest'>>;
  } = {},
) {
  const config = testConfig(await tempDir(), { PIPELINE: 'off', OTLP_INGEST: 'on' });
  const server = await assembleServer(config, {
    logger: pino({ level: 'silent' }),
    ...(options.store ? { store: options.store } : {}),
    ingest: {
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.record ? { record: options.record } : {}),
    },
  });
  afterTest(() => server.shutdown());
  const ingest = server.ingest!;
  const app = options.router
    ? express().use(otlpRouter({ ingest, ...options.router }))
    : server.app;
  return { app, ingest, store: server.store };
}
