import type { IngestLimits } from '../ingest/ingest-limits.js';
import type { BackendSettings } from '../pipeline/backends/backend-registry.js';
import type { OtlpPathOptions } from '../telemetry/otlp/otlp-path.js';
import type { TokenEntry } from './auth/token-entries.js';
import type { ClientLimits } from './client-limits.js';
import type { AllowedHosts } from './host-allowlist.js';
import type { ServerLimits } from './server-limits.js';

/** The server's configuration (`loadConfig` reads it once from the environment). */
export interface ServerConfig {
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
  /** The erasure log (JSONL); default `erasure-log.jsonl` beside the records directory. */
  /** Distinct users a cell of the study overview needs to be shown (k, `STATS_MIN_USERS`, default 5). */
  statsMinUsers: number;
  erasureLog: string;
}
