import type { ServerConfig } from './server-config.js';
import { redactUrl } from '../telemetry/otlp/redact-url.js';

/** The fields of the start-up line `… listening` (pure); secrets in URLs are redacted. */
export function listeningLog(config: ServerConfig, port: number, grpcPort: number | null) {
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    executions_dir: config.executionsDir,
    media_dir: config.mediaDir,
    otlp: config.otlp
      ? { url: redactUrl(config.otlp.url), content_policy: config.otlp.contentPolicy }
      : 'off',
    otlp_ingest: config.otlpIngest ? { http: '/v1/traces', grpc: grpcPort ?? 'off' } : 'off',
    backends: config.backends.llm,
    media_backends: config.backends.media,
  };
}
