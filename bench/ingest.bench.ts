// OTLP ingest figures: spans/s and records/s through POST /v1/traces and OTLP/gRPC of one service, next to
// the in-process record path's records/s in the same run (13-item Stille Post runs).
import express from 'express';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { OtlpIngest } from '../src/server/otlp/otlp-ingest.js';
import { startOtlpGrpc } from '../src/server/otlp/otlp-grpc.js';
import { otlpRouter } from '../src/server/otlp/otlp-routes.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { createTracing } from '../src/telemetry/tracing.js';
import { startOtlpCapture } from './shared/otlp-capture.js';
import { exportCall } from './shared/otlp-grpc-client.js';
import { benchDir, discardDir, fmt, report, type Figure } from './stats.js';
import { stillePostRun } from './stille-post-run.js';

const RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 1_000);
const CONCURRENCY = 4;

/** Runs `RUNS` runs in-process; records/s, and the OTLP requests when `otlpUrl` is set. */
async function inProcess(dir: string, otlpUrl?: string) {
  const store = await FileRecordStore.open(dir);
  const tracing = createTracing({
    store,
    otlp: otlpUrl
      ? {
          url: otlpUrl,
          contentPolicy: 'full',
          maxQueueSize: 1_000_000,
          scheduledDelayMillis: 20,
        }
      : null,
  });
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i += CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, RUNS - i) }, () =>
        stillePostRun(tracing.startRun({ configName: 'stillepost' })),
      ),
    );
  }
  await tracing.recordExporter.forceFlush();
  const seconds = (performance.now() - t0) / 1000;
  await tracing.shutdown();
  await store.close?.();
  return RUNS / seconds;
}

interface Transport {
  send(body: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Sends every body, `CONCURRENCY` at a time, into a fresh ingest over `transport`. */
async function throughput(
  dir: string,
  bodies: Buffer[],
  transport: (ingest: OtlpIngest) => Promise<Transport>,
) {
  const store = await FileRecordStore.open(dir);
  const ingest = new OtlpIngest({ store });
  const t = await transport(ingest);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) await t.send(bodies[next++]!);
    }),
  );
  await ingest.forceFlush();
  const seconds = (performance.now() - t0) / 1000;
  const stats = ingest.stats();
  await t.close();
  await ingest.shutdown();
  await store.close?.();
  if (stats.records_assembled !== RUNS) {
    throw new Error(`ingest assembled ${stats.records_assembled} of ${RUNS} records`);
  }
  return { spansPerSecond: stats.spans_accepted / seconds, recordsPerSecond: RUNS / seconds };
}

export async function benchIngest(): Promise<Figure[]> {
  const root = await benchDir('ingest-');
  const capture = await startOtlpCapture();
  try {
    const inProcessRate = await inProcess(join(root, 'a'));
    await inProcess(join(root, 'b'), `${capture.url}/v1/traces`);
    const bodies = capture.requests.map((r) => r.body);

    const http = await throughput(join(root, 'c'), bodies, async (ingest) => {
      const server = createServer(express().use(otlpRouter({ ingest })));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/v1/traces`;
      return {
        send: async (body) => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf' },
            body,
          });
          if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
          await res.arrayBuffer();
        },
        close: () => new Promise<void>((r) => server.close(() => r())),
      };
    });
    const grpc = await throughput(join(root, 'd'), bodies, async (ingest) => {
      const server = await startOtlpGrpc({ ingest, host: '127.0.0.1', port: 0 });
      return {
        send: async (body) => {
          const answer = await exportCall(server.port, body);
          if (answer.code !== 0) throw new Error(`ingest answered ${answer.code}`);
        },
        close: () => server.close(1_000),
      };
    });
    const mb = bodies.reduce((n, b) => n + b.length, 0) / 2 ** 20;
    return report(
      `OTLP ingest (${RUNS} Stille Post runs, ${bodies.length} requests, ${fmt(mb, 1)} MB)`,
      [
        { name: 'ingest: spans/s through POST /v1/traces', value: fmt(http.spansPerSecond, 0) },
        { name: 'ingest: records/s through POST /v1/traces', value: fmt(http.recordsPerSecond, 0) },
        { name: 'ingest: spans/s through OTLP/gRPC', value: fmt(grpc.spansPerSecond, 0) },
        { name: 'ingest: records/s through OTLP/gRPC', value: fmt(grpc.recordsPerSecond, 0) },
        { name: 'in-process record path: records/s (same runs)', value: fmt(inProcessRate, 0) },
        {
          name: 'ingest (HTTP) / in-process records/s',
          value: fmt(http.recordsPerSecond / inProcessRate, 2),
        },
      ],
    );
  } finally {
    await capture.close();
    await discardDir(root);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchIngest();
