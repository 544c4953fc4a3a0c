import {
  logVerbosity,
  Metadata,
  Server,
  setLogVerbosity,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { OtlpDecodeError } from '../../ingest/otlp-decode.js';
import type { OtlpIngest } from './otlp-ingest.js';
import { encodeExportResponse } from './otlp-answer.js';
import { encodeRetryStatus } from '../../ingest/otlp-proto.js';
import { decideAccess } from '../auth/access-decision.js';
import { tokenCheckFrom, type TokenCheck } from '../auth/token-check.js';

/** Options of `startOtlpGrpc`. */
export interface OtlpGrpcOptions {
  ingest: OtlpIngest;
  host: string;
  /** 0: any free port. */
  port: number;
  /** The server's tokens: an export needs one with the ingest (or admin) role (`authorization` metadata). */
  tokens?: TokenCheck;
  /** A single admin token (`API_TOKEN`), when `tokens` is not given; neither: open. */
  apiToken?: string;
  /** Largest message accepted, after decompression; default 4 MiB (the gRPC default). */
  maxMessageBytes?: number;
  /** True while the server stops: exports are answered UNAVAILABLE, so senders retry elsewhere. */
  isShuttingDown?: () => boolean;
}

/** A listening OTLP/gRPC receiver. */
export interface OtlpGrpcServer {
  port: number;
  /** Stops accepting; waits for calls under way (at most `graceMillis`, then cuts them). */
  close(graceMillis?: number): Promise<void>;
}

const identity = (b: Buffer): Buffer => b;

/**
 * `opentelemetry.proto.collector.trace.v1.TraceService/Export`. Messages stay raw bytes in
 * grpc-js and are decoded by the same code as OTLP/HTTP protobuf bodies, so a body that is not
 * an ExportTraceServiceRequest is this handler's INVALID_ARGUMENT, not a transport error.
 */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** grpc-js's bind failure as a listen error (`syscall`, `code`, `port`) for the startup message. */
function listenError(error: Error, port: number): Error {
  const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(error.message)?.[1];
  return Object.assign(new Error(`OTLP/gRPC: ${error.message}`), {
    syscall: 'listen',
    code,
    port,
    variable: 'OTLP_GRPC_PORT',
  });
}

/**
 * The OTLP/gRPC trace receiver, for senders that speak gRPC only (the Collector's `otlp` and
 * `loadbalancing` exporters, SDKs on their default protocol). Same ingest as `POST /v1/traces`;
 * answers as OTLP/gRPC specifies: OK (with `partial_success`), INVALID_ARGUMENT for a malformed
 * message, UNAUTHENTICATED or PERMISSION_DENIED (a token without the ingest role),
 * RESOURCE_EXHAUSTED above the size limit (grpc-js, also for gzip that inflates past it) and,
 * with a `RetryInfo`, while the run buffer is full, and UNAVAILABLE while records cannot be
 * saved (senders retry).
 */
export async function startOtlpGrpc(options: OtlpGrpcOptions): Promise<OtlpGrpcServer> {
  const { ingest } = options;
  const tokens = options.tokens ?? tokenCheckFrom({ apiToken: options.apiToken });
  // grpc-js writes its own diagnostics to stderr (unstructured, beside the JSON log); every
  // failure that matters here reaches the caller (bind) or the sender (a status).
  setLogVerbosity(logVerbosity.NONE);
  const limit = options.maxMessageBytes ?? 4 * 1024 * 1024;
  const server = new Server({
    'grpc.max_receive_message_length': limit,
    'grpc.max_send_message_length': 64 * 1024,
  });
  const refuse = (callback: sendUnaryData<Buffer>, code: status, details: string) => {
    ingest.countRefused();
    callback({ code, details });
  };
  server.addService(TRACE_SERVICE, {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      ingest.countRequest();
      if (options.isShuttingDown?.()) {
        return refuse(callback, status.UNAVAILABLE, 'the record service is shutting down');
      }
      const authorization = call.metadata.get('authorization')[0];
      const principal = tokens.fromAuthorization(
        typeof authorization === 'string' ? authorization : undefined,
      );
      const refusal = decideAccess(
        { principal, open: tokens.open, unknownToken: authorization !== undefined && !principal },
        'ingest',
      );
      if (refusal) {
        const code = refusal.status === 401 ? status.UNAUTHENTICATED : status.PERMISSION_DENIED;
        return refuse(callback, code, refusal.message);
      }
      ingest.ingest(call.request, 'protobuf').then(
        (result) => {
          if (result.throttled) {
            const metadata = new Metadata();
            const message = 'the run buffer is full; retry later';
            metadata.set(
              'grpc-status-details-bin',
              encodeRetryStatus(
                status.RESOURCE_EXHAUSTED,
                message,
                ingest.limits.retryAfterSeconds,
              ),
            );
            return callback({ code: status.RESOURCE_EXHAUSTED, details: message, metadata });
          }
          if (!result.saved) {
            return callback({ code: status.UNAVAILABLE, details: 'records cannot be saved now' });
          }
          callback(null, encodeExportResponse(result.rejected, result.errors.join('; ')));
        },
        (error: unknown) => {
          if (error instanceof OtlpDecodeError) {
            return refuse(callback, status.INVALID_ARGUMENT, error.message);
          }
          callback({ code: status.INTERNAL, details: 'internal error' });
        },
      );
    },
  });
  const address = options.host.includes(':') ? `[${options.host}]` : options.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${address}:${options.port}`,
      ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(listenError(error, options.port)) : resolve(bound)),
    ),
  );
  return {
    port,
    close: (graceMillis = 5_000) =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMillis);
        cut.unref();
        server.tryShutdown(() => {
          clearTimeout(cut);
          resolve();
        });
      }),
  };
}
