import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { INGEST_LIMIT_DEFAULTS } from '../ingest/ingest-limits.js';
import { studyKeySchema } from '../domain/study-pseudonym.js';

/** The package root (where `configs/` lives), from src/ or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Host names that keep the server on this machine. */
export const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const llmKind = z.enum(['offline', 'ollama', 'openai']).default('offline');
const mediaKind = z.enum(['offline', 'comfyui']).default('offline');
const url = z.url({ protocol: /^https?$/ });
const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

/** The environment variables the server reads, their checks and defaults. */
export const EnvSchema = z.object({
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
  GENAI_STUDY_KEY: studyKeySchema('GENAI_STUDY_KEY').optional(),
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
