import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { withinTime } from '../common/time-limit.js';
import type { ServerRecordStore } from '../store/open-record-store.js';
import type { Tracing } from '../telemetry/tracing.js';
import { ActiveRequests } from './active-requests.js';
import { tokenCheckFrom } from './auth/token-check.js';
import type { OtlpIngest } from './otlp/otlp-ingest.js';
import { startOtlpGrpc, type OtlpGrpcServer } from './otlp/otlp-grpc.js';
import type { ServerConfig } from './server-config.js';
import { applyServerLimits } from './server-limits.js';

/** How long a shutdown keeps answering 503 before it waits for running requests. */
const DRAIN_MILLIS = 300;
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** What a shutdown flushes and releases, in this order after the listeners close. */
export interface LifecycleParts {
  tracing: Tracing;
  ingest: OtlpIngest | null;
  store: Pick<ServerRecordStore, 'close'> | { close?(): Promise<void> };
  retention: { stop(): Promise<void> } | null;
}

/** Listening and the graceful shutdown of an assembled server (see `assembleServer`). */
export function serverLifecycle(config: ServerConfig, parts: LifecycleParts) {
  let shuttingDown = false;
  const active = new ActiveRequests();
  let server: Server | undefined;
  let grpc: OtlpGrpcServer | null = null;
  let shutdownPromise: Promise<string[]> | undefined;
  const isShuttingDown = () => shuttingDown;
  return {
    isShuttingDown,
    onRequest: (done: Promise<void>) => active.track(done),
    otlpGrpc: () => grpc,
    async listen(app: Express): Promise<Server> {
      const s = await new Promise<Server>((resolve, reject) => {
        const s = createServer(app);
        applyServerLimits(s, config.serverLimits);
        s.once('error', reject);
        s.listen(config.port, config.host, () => {
          s.off('error', reject);
          resolve(s);
        });
        server = s;
      });
      if (parts.ingest && config.otlpGrpcPort !== null) {
        grpc = await startOtlpGrpc({
          ingest: parts.ingest,
          host: config.host,
          port: config.otlpGrpcPort,
          tokens: tokenCheckFrom({ tokens: config.tokens, apiToken: config.apiToken }),
          isShuttingDown,
        });
      }
      return s;
    },
    shutdown(): Promise<string[]> {
      shutdownPromise ??= (async () => {
        // 1. Refuse new requests (503, Connection: close) while running ones finish; requests
        //    still in transit on open connections arrive and are refused cleanly too.
        shuttingDown = true;
        const deadline = Date.now() + config.shutdownTimeoutMillis;
        const left = () => Math.max(0, deadline - Date.now());
        await pause(Math.min(DRAIN_MILLIS, config.shutdownTimeoutMillis));
        await withinTime(active.idle(), left(), () => undefined, { unref: true });
        // 2. Stop listening and close connections.
        await grpc?.close(left());
        if (server) {
          const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          await withinTime(closed, left(), () => undefined, { unref: true });
          server.closeAllConnections();
        }
        await parts.retention?.stop();
        // 3. Flush both tracing paths and the spool (within the time left), release the store.
        const unsaved = [
          ...(await parts.tracing.shutdown()),
          ...((await parts.ingest?.shutdown()) ?? []),
        ];
        await parts.store.close?.();
        return unsaved;
      })();
      return shutdownPromise;
    },
  };
}
