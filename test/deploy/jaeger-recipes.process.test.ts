import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPipelineServer } from '../helpers/observability-stack.js';
import {
  answers,
  freePort,
  jaegerBinary,
  ROOT,
  startProcess,
  type Proc,
} from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

/** The shell blocks of a Markdown file. */
const shellBlocks = (file: string) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.replace(/\\\n\s*/g, ' '),
  );

/** Every command line of the docs that starts a Jaeger binary. */
const jaegerRuns = ['README.md', 'docs/jaeger-local.md'].flatMap((f) =>
  shellBlocks(f).flatMap((b) =>
    b
      .split('\n')
      .filter((l) => /"\$(J|JAEGER_BIN)"|"\$\(bash scripts\/install-jaeger\.sh\)"/.test(l))
      .filter((l) => !/^\s*(export|J=)/.test(l))
      .map((l) => ({ file: f, line: l.trim() })),
  ),
);

describe('every Jaeger recipe of the docs binds to loopback (parsed)', () => {
  it('finds the recipes', () => {
    expect(jaegerRuns.length).toBeGreaterThanOrEqual(5);
  });

  it.each(jaegerRuns.map((r) => [r.file, r.line]))('%s: %s', (_file, line) => {
    // Never Jaeger's built-in configuration (its UI listens on every interface).
    expect(line).toMatch(/--config collector-config\/(jaeger-local|otel-collector)\.yaml/);
    if (line.includes('otel-collector.yaml')) {
      expect(line).toMatch(/COLLECTOR_OTLP_HTTP_ENDPOINT=127\.0\.0\.1:\d+/);
      expect(line).toMatch(/COLLECTOR_OTLP_GRPC_ENDPOINT=127\.0\.0\.1:\d+/);
    }
  });
});

/** The local addresses `pid` listens on (from `ss`). */
function listening(pid: number): string[] {
  const out = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => l.trim().split(/\s+/)[3]!);
}

describe(
  'the collector-in-between recipe (real processes, the binary the tests build)',
  { timeout: 60_000 },
  () => {
    it('traces reach Jaeger through the collector, every port is on 127.0.0.1, the query API answers /api/traces/<id>', async () => {
      const jaeger = jaegerBinary();
      const ports = {
        ui: await freePort(),
        queryGrpc: await freePort(),
        jaegerGrpc: await freePort(),
        jaegerHttp: await freePort(),
        collectorHttp: await freePort(),
        collectorGrpc: await freePort(),
        metrics: await freePort(),
      };
      // The README's commands, with free ports instead of the defaults.
      const j = await startProcess(
        'jaeger',
        jaeger,
        ['--config', 'collector-config/jaeger-local.yaml'],
        {
          env: {
            JAEGER_QUERY_HTTP_PORT: String(ports.ui),
            JAEGER_QUERY_GRPC_PORT: String(ports.queryGrpc),
            JAEGER_OTLP_GRPC_PORT: String(ports.jaegerGrpc),
            JAEGER_OTLP_HTTP_PORT: String(ports.jaegerHttp),
          },
          ready: () => answers(`http://127.0.0.1:${ports.ui}/api/services`),
        },
      );
      procs.push(j);
      const c = await startProcess(
        'collector',
        jaeger,
        ['--config', 'collector-config/otel-collector.yaml'],
        {
          env: {
            COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.collectorHttp}`,
            COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.collectorGrpc}`,
            COLLECTOR_METRICS_PORT: String(ports.metrics),
            JAEGER_OTLP_ENDPOINT: `127.0.0.1:${ports.jaegerGrpc}`,
          },
          ready: () => answers(`http://127.0.0.1:${ports.metrics}/metrics`),
        },
      );
      procs.push(c);
      for (const p of [j, c])
        for (const address of listening(p.child.pid!))
          expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

      const dir = await tempDir();
      const server = await startPipelineServer({
        EXECUTIONS_DIR: join(dir, 'executions'),
        MEDIA_DIR: join(dir, 'media'),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.collectorHttp}`,
        JAEGER_UI_URL: `http://127.0.0.1:${ports.ui}`,
      });
      procs.push(server.proc);
      const run = (await (
        await fetch(`${server.url}/api/schema/pipeline/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ schema: 'dada', input_text: 'Eine Blume auf der Wiese' }),
        })
      ).json()) as { trace_id: string };

      let names: string[] = [];
      for (let i = 0; i < 100 && !names.includes('pipeline start'); i++) {
        const res = await fetch(`http://127.0.0.1:${ports.ui}/api/traces/${run.trace_id}`);
        if (res.ok) {
          const body = (await res.json()) as { data: { spans: { operationName: string }[] }[] };
          names = body.data[0]?.spans.map((s) => s.operationName) ?? [];
        } else await res.body?.cancel();
        if (!names.includes('pipeline start')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(names).toEqual(expect.arrayContaining(['pipeline start', 'stage1 pre-interception']));

      // This binary has no UI assets (a placeholder page): the web view offers no trace button.
      const viewer = await (await fetch(`${server.url}/api/trace-viewer`)).json();
      expect(viewer).toEqual({ jaeger_ui_url: `http://127.0.0.1:${ports.ui}`, available: false });
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        status: string;
        otlp: { state: string };
      };
      expect(health).toMatchObject({ status: 'ok', otlp: { state: 'ok' } });
    });
  },
);
