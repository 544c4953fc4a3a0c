import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/processes.js';

type Pipeline = { receivers: string[]; processors?: string[]; exporters: string[] };
type CollectorConfig = {
  receivers: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters: Record<string, unknown>;
  service: { pipelines: Record<string, Pipeline> };
};

// `merge: true`: Compose resolves `<<` merge keys, as YAML 1.1 did.
const read = (file: string) =>
  parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true }) as unknown;

/** The collector's merge of several --config files (maps merged, lists replaced). */
function merge(a: unknown, b: unknown): unknown {
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
    return out;
  }
  return b ?? a;
}

function checkReferences(config: CollectorConfig) {
  for (const [name, p] of Object.entries(config.service.pipelines)) {
    for (const r of p.receivers)
      expect(config.receivers, `${name} receiver ${r}`).toHaveProperty([r]);
    for (const x of p.processors ?? [])
      expect(config.processors, `${name} processor ${x}`).toHaveProperty([x]);
    for (const e of p.exporters)
      expect(config.exporters, `${name} exporter ${e}`).toHaveProperty([e]);
    expect(p.processors?.[0], 'memory_limiter comes first').toBe('memory_limiter');
    expect(p.processors?.at(-1), 'batch comes last').toBe('batch');
  }
}

describe('collector configuration', () => {
  const base = read('collector-config/otel-collector.yaml') as CollectorConfig;

  it('declares every component its pipelines name, memory_limiter first', () => {
    expect(Object.keys(base.service.pipelines)).toEqual(['traces']);
    checkReferences(base);
  });

  it('receives OTLP over gRPC and HTTP, exports to Jaeger over OTLP gRPC and to debug', () => {
    expect(base.receivers.otlp).toMatchObject({ protocols: { grpc: {}, http: {} } });
    expect(base.exporters['otlp/jaeger']).toMatchObject({
      endpoint: '${env:JAEGER_OTLP_ENDPOINT:-jaeger:4317}',
      tls: { insecure: true },
    });
    expect(base.exporters).toHaveProperty(['debug']);
  });

  it('stays valid with the record-service overlay merged in: the same spans to Jaeger and to ingest', () => {
    const merged = merge(base, read('collector-config/to-record-service.yaml')) as CollectorConfig;
    checkReferences(merged);
    expect(merged.service.pipelines.traces!.exporters).toEqual([
      'otlp/jaeger',
      'otlphttp/records',
      'debug',
    ]);
    expect(merged.exporters['otlphttp/records']).toMatchObject({
      endpoint: '${env:RECORD_SERVICE_ENDPOINT:-http://record-service:17801}',
      encoding: 'proto',
    });
  });

  it('stays valid with the GenAI backend overlays merged in: Phoenix beside the record service, Langfuse', () => {
    const phoenix = merge(
      merge(base, read('collector-config/to-record-service.yaml')),
      read('collector-config/to-phoenix.yaml'),
    ) as CollectorConfig;
    checkReferences(phoenix);
    expect(phoenix.service.pipelines.traces!.exporters).toEqual([
      'otlp/jaeger',
      'otlphttp/records',
      'otlphttp/phoenix',
      'debug',
    ]);
    const langfuse = merge(base, read('collector-config/to-langfuse.yaml')) as CollectorConfig;
    checkReferences(langfuse);
    expect(langfuse.service.pipelines.traces!.exporters).toContain('otlphttp/langfuse');
  });

  it('stays valid with the redaction overlay merged in, which drops text-carrying events', () => {
    const merged = merge(base, read('collector-config/redact-content.yaml')) as CollectorConfig;
    checkReferences(merged);
    expect(merged.service.pipelines.traces!.processors).toContain('filter/redact_content');
    expect(JSON.stringify(merged.processors)).toContain('execution.item.content');
  });
});

describe('Jaeger without Docker (collector-config/jaeger-local.yaml)', () => {
  type JaegerLocal = CollectorConfig & {
    extensions: {
      jaeger_query: {
        enable_tracing: boolean;
        storage: { traces: string };
        ui: { config_file: string; assets_path: string };
      };
      jaeger_storage: { backends: Record<string, unknown> };
    };
    service: { extensions: string[]; telemetry: unknown };
  };
  const local = read('collector-config/jaeger-local.yaml') as JaegerLocal;
  /** Every `endpoint` in the file, wherever it sits. */
  const endpoints = (node: unknown): string[] =>
    node && typeof node === 'object'
      ? Object.entries(node).flatMap(([k, v]) =>
          k === 'endpoint' && typeof v === 'string' ? [v] : endpoints(v),
        )
      : [];
  /** What `${env:NAME:-default}` resolves to with NAME unset. */
  const defaulted = (value: string) => value.replace(/\$\{env:[A-Z_]+:-([^}]*)\}/g, '$1');

  it('binds every port to 127.0.0.1: OTLP receivers, query API over HTTP and gRPC', () => {
    const all = endpoints(local);
    expect(all).toHaveLength(4);
    for (const e of all) expect(e).toMatch(/^127\.0\.0\.1:\$\{env:[A-Z_]+:-\d+\}$/);
    expect(all.map(defaulted).sort()).toEqual(
      ['127.0.0.1:16685', '127.0.0.1:16686', '127.0.0.1:4317', '127.0.0.1:4318'].sort(),
    );
    expect(local.service.telemetry).toMatchObject({ metrics: { level: 'none' } });
    expect(local.extensions.jaeger_query.enable_tracing).toBe(false);
  });

  it('declares every component and storage it references', () => {
    checkReferences(local);
    for (const x of local.service.extensions)
      expect(local.extensions, `extension ${x}`).toHaveProperty([x]);
    const backends = local.extensions.jaeger_storage.backends;
    expect(backends).toHaveProperty([local.extensions.jaeger_query.storage.traces]);
    const exporter = local.exporters.jaeger_storage_exporter as { trace_storage: string };
    expect(backends).toHaveProperty([exporter.trace_storage]);
  });

  it('takes the UI assets path and a UI config linking execution.id to the record in the API', () => {
    const ui = local.extensions.jaeger_query.ui;
    expect(ui.assets_path).toBe('${env:JAEGER_UI_ASSETS:-}');
    const uiConfig = JSON.parse(readFileSync(join(ROOT, defaulted(ui.config_file)), 'utf8')) as {
      linkPatterns: { type: string; key: string; url: string }[];
    };
    expect(uiConfig.linkPatterns).toContainEqual(
      expect.objectContaining({
        type: 'tags',
        key: 'execution.id',
        url: 'http://127.0.0.1:17801/api/executions/#{execution.id}',
      }),
    );
  });
});

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml') as {
    services: Record<
      string,
      {
        image?: string;
        build?: unknown;
        ports?: string[];
        volumes?: string[];
        command?: string[];
        profiles?: string[];
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        healthcheck?: { test: string[] };
      }
    >;
  };
  const s = compose.services;

  const workers = [s['pipeline-a']!, s['pipeline-b']!];

  it('runs jaeger, the collector, PostgreSQL and two pipeline workers; record services in a profile', () => {
    expect(Object.keys(s).sort()).toEqual([
      'collector-lb',
      'jaeger',
      'otel-collector',
      'pipeline-a',
      'pipeline-b',
      'postgres',
      'record-service-a',
      'record-service-b',
    ]);
    const profiled = Object.entries(s).filter(([, svc]) => svc.profiles);
    expect(profiled.map(([name, svc]) => [name, svc.profiles])).toEqual([
      ['collector-lb', ['record-services']],
      ['record-service-a', ['record-services']],
      ['record-service-b', ['record-services']],
    ]);
  });

  it('the record-services layout: the loadbalancing collector sends each trace to one of two record services on the shared database', () => {
    const lb = s['collector-lb']!;
    expect(lb.command).toEqual([
      '--config=/etc/otelcol/otel-collector.yaml',
      '--config=/etc/otelcol/load-balance-record-services.yaml',
      '--config=/etc/otelcol/receiver-auth.yaml',
    ]);
    // Its receiver is open to other containers: only senders with the token may send.
    expect(lb.environment).toHaveProperty('COLLECTOR_RECEIVER_TOKEN');
    expect(lb.environment).toMatchObject({
      RECORD_SERVICE_A_GRPC: 'record-service-a:4317',
      RECORD_SERVICE_B_GRPC: 'record-service-b:4317',
    });
    expect(lb.environment!.RECORD_SERVICE_TOKEN).toBe(workers[0]!.environment!.API_TOKEN);
    for (const name of ['record-service-a', 'record-service-b']) {
      const r = s[name]!;
      expect(r.environment).toMatchObject({
        PIPELINE: 'off',
        OTLP_GRPC_PORT: '4317',
        DATABASE_URL: workers[0]!.environment!.DATABASE_URL,
      });
      expect(r.depends_on!.postgres).toEqual({ condition: 'service_healthy' });
    }
    expect([s['record-service-a']!.ports, s['record-service-b']!.ports, lb.ports]).toEqual([
      ['127.0.0.1:17811:17801'],
      ['127.0.0.1:17812:17801'],
      ['127.0.0.1:4319:4318'],
    ]);
  });

  it('pins every image to a version', () => {
    expect(s.jaeger!.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    // The contrib image is the release the test collector is built from (builder-config.yaml).
    const release = (read('collector-config/builder-config.yaml') as { dist: { version: string } })
      .dist.version;
    for (const c of [s['otel-collector']!, s['collector-lb']!])
      expect(c.image).toBe(`otel/opentelemetry-collector-contrib:${release}`);
    expect(s.postgres!.image).toMatch(/^postgres:\d+\.\d+-/);
    for (const w of workers) expect(w.build).toBe('.');
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:20\.\d+\.\d+-/m);
  });

  it('publishes the UI and the API on loopback only; the database is not published', () => {
    expect(s.jaeger!.ports).toContain('127.0.0.1:16686:16686');
    expect(workers.map((w) => w.ports)).toEqual([
      ['127.0.0.1:17801:17801'],
      ['127.0.0.1:17802:17801'],
    ]);
    expect(s.postgres!.ports).toBeUndefined();
    for (const svc of Object.values(s))
      for (const p of svc.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
  });

  it('both workers share one database, one media volume and one erasure-log volume, and wait for the database', () => {
    for (const w of workers) {
      expect(w.environment!.DATABASE_URL).toMatch(
        /^postgres:\/\/execution_history:.*@postgres:5432\/execution_history$/,
      );
      expect(w.environment!.API_TOKEN).toBeTruthy();
      expect(w.volumes).toEqual(['media:/data/media', 'audit:/data/audit']);
      expect(w.depends_on!.postgres).toEqual({ condition: 'service_healthy' });
    }
    expect(s.postgres!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
  });

  it('mounts collector-config and runs the collector on it; the servers send OTLP to the collector', () => {
    expect(s['otel-collector']!.volumes).toContain('./collector-config:/etc/otelcol:ro');
    expect(s['otel-collector']!.command).toEqual(['--config=/etc/otelcol/otel-collector.yaml']);
    expect(s['otel-collector']!.environment).toMatchObject({ JAEGER_OTLP_ENDPOINT: 'jaeger:4317' });
    for (const w of workers)
      expect(w.environment).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      });
  });
});
