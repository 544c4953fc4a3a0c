import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { AllowedHosts } from './server/host-allowlist.js';
import type { ServerConfig } from './server/server-config.js';
import { ConfigError } from './config/config-error.js';
import { EnvSchema, LOOPBACK } from './config/env-schema.js';
import { loadTokens, type ReadTextFile } from './config/load-tokens.js';

export { ConfigError } from './config/config-error.js';
export type { ReadTextFile } from './config/load-tokens.js';
/** The server's configuration, read once from the environment. */
export type AppConfig = ServerConfig;

function parseHeaders(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [
        decodeURIComponent(pair.slice(0, at).trim()),
        decodeURIComponent(pair.slice(at + 1).trim()),
      ];
    }),
  );
}

/**
 * Parses `env` (default: nothing set) into the configuration; throws `ConfigError`. The one
 * file it reads is `TOKENS_FILE` (through `readFile`).
 */
export function loadConfig(
  env: Record<string, string | undefined> = {},
  readFile: ReadTextFile = (path) => readFileSync(path, 'utf8'),
): AppConfig {
  // An empty variable counts as unset, except JAEGER_UI_URL where it turns the trace link off.
  const set = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || k === 'JAEGER_UI_URL')),
  );
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const tokens = loadTokens(e, readFile);
  const hasTokens = Boolean(e.API_TOKEN) || tokens.length > 0;
  if (!LOOPBACK.has(e.HOST) && !hasTokens) {
    throw new ConfigError(
      `HOST=${e.HOST} exposes the API beyond loopback: set TOKENS_FILE (tokens with roles) or API_TOKEN (at least 16 characters) so requests need a bearer token`,
    );
  }
  if (
    (e.LLM_BACKEND_ECO === 'openai' || e.LLM_BACKEND_FAST === 'openai') &&
    (!e.OPENAI_BASE_URL || !e.OPENAI_MODEL)
  ) {
    throw new ConfigError('the openai LLM backend needs OPENAI_BASE_URL and OPENAI_MODEL');
  }
  const allowedHosts: AllowedHosts =
    e.ALLOWED_HOSTS?.trim() === '*'
      ? '*'
      : (e.ALLOWED_HOSTS ?? '')
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean);
  if (allowedHosts === '*' && !hasTokens)
    throw new ConfigError(
      'ALLOWED_HOSTS=* answers any host name, which lets a page on another origin read the records: set TOKENS_FILE or API_TOKEN too, or list the names',
    );
  if (e.OTLP_GRPC_PORT !== undefined && !e.OTLP_INGEST)
    throw new ConfigError('OTLP_GRPC_PORT serves OTLP ingest over gRPC: it needs OTLP_INGEST on');
  const timeoutMillis = e.BACKEND_TIMEOUT_MS;
  const resourceAttributes = parseHeaders(e.OTEL_RESOURCE_ATTRIBUTES) ?? {};
  return {
    host: e.HOST,
    port: e.PORT,
    executionsDir: resolve(e.EXECUTIONS_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    mediaDir: e.MEDIA_DIR,
    configsDir: resolve(e.CONFIGS_DIR),
    apiToken: e.API_TOKEN,
    tokens,
    sessionMaxAgeMillis: Math.round(e.SESSION_HOURS * 60 * 60 * 1000),
    logLevel: e.LOG_LEVEL,
    maxInputChars: e.MAX_INPUT_CHARS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    shutdownTimeoutMillis: e.SHUTDOWN_TIMEOUT_MS,
    genaiStudyKey: e.GENAI_STUDY_KEY ?? null,
    otlpIngest: e.OTLP_INGEST,
    otlpGrpcPort: e.OTLP_GRPC_PORT ?? null,
    ingestLimits: {
      maxSpansPerRun: e.INGEST_MAX_SPANS_PER_RUN,
      maxEventsPerRun: e.INGEST_MAX_EVENTS_PER_RUN,
      maxBytesPerRun: e.INGEST_MAX_RUN_BYTES,
      maxBufferedBytes: e.INGEST_MAX_BUFFERED_BYTES,
      maxBufferedRuns: e.INGEST_MAX_BUFFERED_RUNS,
      incompleteRunTimeoutMillis: e.INGEST_RUN_TIMEOUT_MS,
      retryAfterSeconds: e.INGEST_RETRY_AFTER_S,
    },
    pipeline: e.PIPELINE,
    records: {
      fsync: e.RECORD_FSYNC,
      maxPending: e.RECORD_SPOOL_MAX,
      saveWaitMillis: e.RECORD_SAVE_WAIT_MS,
      minFreeBytes: Math.round(e.STORE_MIN_FREE_MB * 1024 * 1024),
      tombstoneMillis: Math.round(e.RECORD_TOMBSTONE_DAYS * 86_400_000),
    },
    serviceName: e.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? 'execution-history',
    resourceAttributes,
    otlp:
      e.OTEL_TRACES_EXPORTER === 'none'
        ? null
        : {
            url:
              e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
              `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
            headers: parseHeaders(e.OTEL_EXPORTER_OTLP_HEADERS),
            protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL,
            contentPolicy: e.OTLP_CONTENT_POLICY,
          },
    otlpEndpointSet:
      set.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ||
      set.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined,
    jaegerUiUrl: e.JAEGER_UI_URL === '' ? null : e.JAEGER_UI_URL.replace(/\/+$/, ''),
    backends: {
      llm: { eco: e.LLM_BACKEND_ECO, fast: e.LLM_BACKEND_FAST },
      media: { eco: e.MEDIA_BACKEND_ECO, fast: e.MEDIA_BACKEND_FAST },
      ollama: { baseUrl: e.OLLAMA_URL, model: e.OLLAMA_MODEL, timeoutMillis },
      openai:
        e.OPENAI_BASE_URL && e.OPENAI_MODEL
          ? {
              baseUrl: e.OPENAI_BASE_URL,
              apiKey: e.OPENAI_API_KEY,
              model: e.OPENAI_MODEL,
              type: e.OPENAI_BACKEND_TYPE,
              timeoutMillis,
            }
          : undefined,
      comfyui: { baseUrl: e.COMFYUI_URL, timeoutMillis: Math.max(timeoutMillis, 600_000) },
      safetyModel: e.SAFETY_MODEL,
      safetyTimeoutMillis: e.SAFETY_TIMEOUT_MS,
    },
    allowedHosts,
    serverLimits: {
      headersTimeoutMillis: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMillis: Math.max(e.REQUEST_TIMEOUT_MS, e.HEADERS_TIMEOUT_MS),
      keepAliveTimeoutMillis: e.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.MAX_CONNECTIONS,
    },
    clientLimits: {
      liveStreamsPerClient: e.LIVE_STREAMS_PER_CLIENT,
      asyncRunsRunning: e.ASYNC_RUNS_MAX,
      asyncRunsQueued: e.ASYNC_RUNS_QUEUE,
    },
    retentionDays: e.RETENTION_DAYS ?? null,
    statsMinUsers: e.STATS_MIN_USERS,
    erasureLog: resolve(
      e.ERASURE_LOG ?? join(dirname(resolve(e.EXECUTIONS_DIR)), 'erasure-log.jsonl'),
    ),
  };
}
