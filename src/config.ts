import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { INGEST_LIMIT_DEFAULTS, type IngestLimits } from './ingest/ingest-limits.js';
import type { BackendSettings } from './pipeline/backends/backend-registry.js';
import type { ClientLimits } from './server/client-limits.js';
import { API_TOKEN_NAME } from './server/auth/token-check.js';
import {
  checkUnique,
  parseTokenEntries,
  plainTokenEntry,
  TokenListError,
  type TokenEntry,
} from './server/auth/token-entries.js';
import type { AllowedHosts } from './server/host-allowlist.js';
import type { ServerLimits } from './server/server-limits.js';
import type { OtlpPathOptions } from './telemetry/otlp-path.js';

/** The package root (where `configs/` lives), from src/ or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const llmKind = z.enum(['offline', 'ollama', 'openai']).default('offline');
const mediaKind = z.enum(['offline', 'comfyui']).default('offline');
const url = z.url({ protocol: /^https?$/ });
const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(17_801),
  EXECUTIONS_DIR: z.string().min(1).default('exports/executions'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database')
    .optional(),
  MEDIA_DIR: z.string().min(1).default('exports/media'),
  CONFIGS_DIR: z.string().min(1).default(join(packageRoot(), 'configs')),
  API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters').optional(),
  TOKENS: z.string().optional(),
  TOKENS_FILE: z.string().min(1).optional(),
  SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_INPUT_CHARS: int(2_000),
  MAX_BODY_BYTES: int(64 * 1024),
  SHUTDOWN_TIMEOUT_MS: int(10_000),
  RECORD_FSYNC: flag(true),
  OTLP_INGEST: flag(true),
  OTLP_GRPC_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  PIPELINE: flag(true),
  RECORD_SPOOL_MAX: int(10_000),
  RECORD_SAVE_WAIT_MS: int(5_000),
  RECORD_TOMBSTONE_DAYS: z.coerce.number().positive().default(30),
  // OTLP ingest bounds (docs/hardening.md, "Ingest: trust model and limits").
  INGEST_MAX_SPANS_PER_RUN: int(INGEST_LIMIT_DEFAULTS.maxSpansPerRun),
  INGEST_MAX_EVENTS_PER_RUN: int(INGEST_LIMIT_DEFAULTS.maxEventsPerRun),
  INGEST_MAX_RUN_BYTES: int(INGEST_LIMIT_DEFAULTS.maxBytesPerRun),
  INGEST_MAX_BUFFERED_BYTES: int(INGEST_LIMIT_DEFAULTS.maxBufferedBytes),
  INGEST_MAX_BUFFERED_RUNS: int(INGEST_LIMIT_DEFAULTS.maxBufferedRuns),
  INGEST_RUN_TIMEOUT_MS: int(INGEST_LIMIT_DEFAULTS.incompleteRunTimeoutMillis),
  INGEST_RETRY_AFTER_S: int(INGEST_LIMIT_DEFAULTS.retryAfterSeconds),
  STORE_MIN_FREE_MB: z.coerce.number().min(0).default(100),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.default('http://127.0.0.1:4318'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/protobuf', 'http/json']).optional(),
  OTLP_CONTENT_POLICY: z.enum(['metadata', 'full']).default('metadata'),
  GENAI_STUDY_KEY: z.string().min(16).optional(),
  JAEGER_UI_URL: z.union([url, z.literal('')]).default('http://localhost:16686'),
  LLM_BACKEND_ECO: llmKind,
  LLM_BACKEND_FAST: llmKind,
  MEDIA_BACKEND_ECO: mediaKind,
  MEDIA_BACKEND_FAST: mediaKind,
  OLLAMA_URL: url.default('http://127.0.0.1:11434'),
  OLLAMA_MODEL: z.string().default('mistral-nemo:latest'),
  OPENAI_BASE_URL: url.optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().optional(),
  OPENAI_BACKEND_TYPE: z.string().default('openrouter'),
  SAFETY_MODEL: z.string().optional(),
  SAFETY_TIMEOUT_MS: int(30_000),
  COMFYUI_URL: url.default('http://127.0.0.1:8188'),
  BACKEND_TIMEOUT_MS: int(120_000),
  // Hardening and data lifecycle (docs/hardening.md).
  ALLOWED_HOSTS: z.string().optional(),
  HEADERS_TIMEOUT_MS: int(10_000),
  REQUEST_TIMEOUT_MS: int(30_000),
  KEEP_ALIVE_TIMEOUT_MS: int(5_000),
  MAX_CONNECTIONS: int(256),
  LIVE_STREAMS_PER_CLIENT: int(8),
  ASYNC_RUNS_MAX: int(4),
  ASYNC_RUNS_QUEUE: z.coerce.number().int().min(0).default(32),
  RETENTION_DAYS: z.coerce.number().positive().optional(),
  ERASURE_LOG: z.string().min(1).optional(),
  STATS_MIN_USERS: int(5),
});

/** The server's configuration, read once from the environment. */
export interface AppConfig {
  host: string;
  port: number;
  executionsDir: string;
  /** `postgres://…`: records in PostgreSQL (several workers); none: the file store. */
  databaseUrl: string | null;
  mediaDir: string;
  configsDir: string;
  /** The single shared token of earlier versions: an admin token (`API_TOKEN`). */
  apiToken: string | undefined;
  /**
   * Hashed tokens with roles, from `TOKENS_FILE` and `TOKENS` (`API_TOKEN` not included). A
   * server beyond loopback needs at least one token here or in `apiToken`.
   */
  tokens: TokenEntry[];
  /** How long a browser session lasts (`SESSION_HOURS`, default 12). */
  sessionMaxAgeMillis: number;
  logLevel: string;
  maxInputChars: number;
  maxBodyBytes: number;
  shutdownTimeoutMillis: number;
  /**
   * Study key of `gen_ai.conversation.id` (`GENAI_STUDY_KEY`, at least 16 characters): a run's
   * is its session's study pseudonym; none: no conversation id is sent.
   */
  genaiStudyKey: string | null;
  /** Serve OTLP ingest (`POST /v1/traces`): records from any OpenTelemetry pipeline. */
  otlpIngest: boolean;
  /** Also receive OTLP over gRPC on this port (on `host`); null: off. */
  otlpGrpcPort: number | null;
  /** Bounds of OTLP ingest, per run and in total (defaults: `INGEST_LIMIT_DEFAULTS`). */
  ingestLimits: IngestLimits;
  /** Run the pipeline; false: a record service (records, API, exports, streams, ingest). */
  pipeline: boolean;
  /** How records are kept: fsync, spool bound, how long an answer waits for its save. */
  records: {
    fsync: boolean;
    maxPending: number;
    saveWaitMillis: number;
    minFreeBytes: number;
    /** How long the file store keeps a deleted id deleted (`RECORD_TOMBSTONE_DAYS`, default 30). */
    tombstoneMillis: number;
  };
  serviceName: string;
  /** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`); its `service.name` yields to `OTEL_SERVICE_NAME`. */
  resourceAttributes: Record<string, string>;
  otlp: OtlpPathOptions | null;
  /**
   * True when the operator named an OTLP endpoint (`OTEL_EXPORTER_OTLP_*ENDPOINT`): a collector
   * that does not answer then makes `/health` degraded; with the default it is only a note.
   */
  otlpEndpointSet: boolean;
  jaegerUiUrl: string | null;
  backends: BackendSettings;
  /** Host names answered besides loopback; `*`: any (only with `apiToken`). */
  allowedHosts: AllowedHosts;
  serverLimits: ServerLimits;
  /** Live streams per client, asynchronous runs going and waiting (docs/hardening.md). */
  clientLimits: ClientLimits;
  /** Records older than this many days are erased by the server; null: kept. */
  retentionDays: number | null;
  /** Distinct users a cell of the study overview needs to be shown (k, `STATS_MIN_USERS`, default 5). */
  statsMinUsers: number;
  /** The erasure log (JSONL); default `erasure-log.jsonl` beside the records directory. */
  erasureLog: string;
}

/** A configuration that cannot work; the message says which variable and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

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

/** Reads a file as UTF-8 (the token list); replaced in tests. */
export type ReadTextFile = (path: string) => string;

function loadTokens(
  e: { TOKENS?: string; TOKENS_FILE?: string; API_TOKEN?: string },
  readFile: ReadTextFile,
): TokenEntry[] {
  const tokens: TokenEntry[] = [];
  try {
    if (e.TOKENS_FILE !== undefined) {
      let text: string;
      try {
        text = readFile(e.TOKENS_FILE);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new ConfigError(`TOKENS_FILE=${e.TOKENS_FILE} cannot be read (${code})`);
      }
      tokens.push(...parseTokenEntries(text, `TOKENS_FILE ${e.TOKENS_FILE}`));
    }
    if (e.TOKENS !== undefined) tokens.push(...parseTokenEntries(e.TOKENS, 'TOKENS'));
    const all = e.API_TOKEN
      ? [...tokens, plainTokenEntry(e.API_TOKEN, 'admin', API_TOKEN_NAME)]
      : tokens;
    checkUnique(all, 'the tokens (TOKENS_FILE, TOKENS, API_TOKEN)');
  } catch (error) {
    if (error instanceof TokenListError) throw new ConfigError(error.message);
    throw error;
  }
  return tokens;
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
