import { join } from 'node:path';
import { hashToken } from '../../src/server/auth/token-hash.js';
import { eventually } from './eventually.js';
import { answers, freePort, jaegerBinary, ROOT, startProcess, type Proc } from './processes.js';

/**
 * Jaeger all-in-one on free loopback ports: OTLP in, query API out; `config` (default the e2e
 * one) takes its ports from the same variables as collector-config/jaeger-local.yaml.
 */
export async function startJaeger(
  binary = jaegerBinary(),
  options: { config?: string; env?: Record<string, string> } = {},
) {
  const ports = {
    queryHttp: await freePort(),
    queryGrpc: await freePort(),
    otlpGrpc: await freePort(),
    otlpHttp: await freePort(),
  };
  const proc = await startProcess(
    'jaeger',
    binary,
    ['--config', join(ROOT, options.config ?? 'test/e2e/jaeger-all-in-one.yaml')],
    {
      env: {
        ...options.env,
        JAEGER_QUERY_HTTP_PORT: String(ports.queryHttp),
        JAEGER_QUERY_GRPC_PORT: String(ports.queryGrpc),
        JAEGER_OTLP_GRPC_PORT: String(ports.otlpGrpc),
        JAEGER_OTLP_HTTP_PORT: String(ports.otlpHttp),
      },
      ready: () => answers(`http://127.0.0.1:${ports.queryHttp}/api/v3/services`),
    },
  );
  return {
    proc,
    ports,
    queryUrl: `http://127.0.0.1:${ports.queryHttp}`,
    otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}`,
  };
}

/** The project's collector configuration, run by Jaeger's binary, forwarding to `jaegerOtlpGrpcPort`. */
export async function startCollector(
  jaegerOtlpGrpcPort: number,
  options: {
    ports?: { http: number; grpc: number; metrics: number };
    extraConfigs?: string[];
    binary?: string;
    env?: Record<string, string>;
  } = {},
) {
  const ports = options.ports ?? {
    http: await freePort(),
    grpc: await freePort(),
    metrics: await freePort(),
  };
  const configs = ['collector-config/otel-collector.yaml', ...(options.extraConfigs ?? [])].flatMap(
    (c) => ['--config', join(ROOT, c)],
  );
  const proc: Proc = await startProcess('collector', options.binary ?? jaegerBinary(), configs, {
    env: {
      ...options.env,
      COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
      COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
      COLLECTOR_METRICS_PORT: String(ports.metrics),
      JAEGER_OTLP_ENDPOINT: `127.0.0.1:${jaegerOtlpGrpcPort}`,
    },
    ready: () => answers(`http://127.0.0.1:${ports.metrics}/metrics`),
  });
  return {
    proc,
    ports,
    otlpHttpUrl: `http://127.0.0.1:${ports.http}`,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
  };
}

/**
 * A metric of the collector's own telemetry (Prometheus text at `metricsUrl`), summed over its
 * series whose labels include every pair of `labels`; 0 without such a series (a counter's
 * series appears with its first count).
 */
export async function collectorMetric(
  metricsUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const res = await fetch(metricsUrl);
  if (!res.ok) throw new Error(`collector metrics answered ${res.status}`);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of (await res.text()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = match[2] ?? '';
    if (wanted.every((pair) => series.split(',').includes(pair))) sum += Number(match[3]);
  }
  return sum;
}

/** The tokens of a record service in the end-to-end tests: admin reads, the collector's ingests. */
export const RECORD_SERVICE_TOKENS = {
  admin: 'record-service-token-0123456789',
  ingest: 'record-service-ingest-token-0123456789',
};

/** A record service (`PIPELINE=off`, OTLP ingest) storing under `root`, with both tokens. */
export function startRecordService(root: string) {
  return startPipelineServer({
    PIPELINE: 'off',
    API_TOKEN: RECORD_SERVICE_TOKENS.admin,
    TOKENS: `ingest:collector:${hashToken(RECORD_SERVICE_TOKENS.ingest)}`,
    EXECUTIONS_DIR: join(root, 'service'),
    MEDIA_DIR: join(root, 'service-media'),
    OTEL_TRACES_EXPORTER: 'none',
  });
}

/** The pipeline server as a real child process (`node --import tsx src/main.ts`). */
export async function startPipelineServer(env: Record<string, string>) {
  const port = await freePort();
  const proc = await startProcess(
    'pipeline server',
    process.execPath,
    ['--import', 'tsx', 'src/main.ts'],
    {
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        UV_THREADPOOL_SIZE: '16',
        ...env,
      },
      ready: () => answers(`http://127.0.0.1:${port}/health`),
    },
  );
  return { proc, port, url: `http://127.0.0.1:${port}` };
}

/** One span of Jaeger's OTLP JSON answer, with attributes flattened. */
export interface JaegerSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  events: { name: string; timeNs: bigint; attributes: Record<string, string | number | boolean> }[];
}

type OtlpValue = {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
};
const flatten = (list: { key: string; value: OtlpValue }[] = []) =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined
          ? Number(value.intValue)
          : (value.doubleValue ?? value.boolValue ?? '')),
    ]),
  );

/** Jaeger's `/api/v3/traces/{id}` with a time window; null while Jaeger has no such trace. */
export async function fetchTrace(
  queryUrl: string,
  traceId: string,
  around: Date,
): Promise<JaegerSpan[] | null> {
  const start = new Date(around.getTime() - 60_000).toISOString();
  const end = new Date(around.getTime() + 60_000).toISOString();
  const res = await fetch(
    `${queryUrl}/api/v3/traces/${traceId}?start_time=${start}&end_time=${end}`,
  );
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`Jaeger answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as {
    result: { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  };
  return body.result.resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) =>
      s.spans.map((span) => ({
        traceId: span.traceId as string,
        spanId: span.spanId as string,
        parentSpanId: (span.parentSpanId as string) || undefined,
        name: span.name as string,
        startNs: BigInt(span.startTimeUnixNano as string),
        endNs: BigInt(span.endTimeUnixNano as string),
        attributes: flatten(span.attributes as never),
        events: ((span.events as Record<string, unknown>[]) ?? []).map((e) => ({
          name: e.name as string,
          timeNs: BigInt(e.timeUnixNano as string),
          attributes: flatten(e.attributes as never),
        })),
      })),
    ),
  );
}

/** Polls Jaeger until the trace has at least `minSpans` spans. */
export async function waitForTrace(
  queryUrl: string,
  traceId: string,
  minSpans: number,
  timeoutMillis = 20_000,
): Promise<JaegerSpan[]> {
  let seen = 0;
  return eventually(
    async () => {
      const spans = await fetchTrace(queryUrl, traceId, new Date());
      seen = spans?.length ?? 0;
      return spans && spans.length >= minSpans ? spans : false;
    },
    {
      timeoutMillis,
      intervalMillis: 250,
      what: `trace ${traceId} with ${minSpans} spans in Jaeger`,
    },
  ).catch(() => {
    throw new Error(
      `trace ${traceId} has ${seen} spans in Jaeger after ${timeoutMillis} ms, expected ${minSpans}`,
    );
  });
}
