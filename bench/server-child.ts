// One server of bench/server-load.bench.ts in a process of its own, as production runs it: the
// production assembly (`assembleServer`, as `main` does) for one mode, started by the bench
// with `fork` and told over IPC when to finish. Arguments: mode, directory, OTLP URL ('' for
// none). It sends `{ port }` once listening, `{ answered }` (responses finished so far) when
// sent 'answered', and `{ records }` (records saved in its life) when sent 'finish', then exits.
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import type { AppDeps } from '../src/server/app.js';
import { assembleServer } from '../src/server/assembly.js';
import { ExecutionTracker } from '../src/telemetry/tracker/execution-tracker.js';
import { ensureContextManager, type Tracing } from '../src/telemetry/tracing.js';

/**
 * The untraced baseline: the same assembly with the tracker on a tracer of no provider
 * (non-recording spans), so no record path and no first-save wait.
 */
function untraced(deps: AppDeps): Partial<AppDeps> {
  ensureContextManager();
  const noop = trace.getTracer('untraced'); // no provider registered: non-recording spans
  return {
    pipeline: {
      ...deps.pipeline,
      firstSave: undefined,
      startRun: (o: Parameters<Tracing['startRun']>[0]) =>
        ExecutionTracker.start({ ...o, tracer: noop }),
    },
    records: { ...deps.records, whenSaved: async () => 'saved', whenStarted: async () => 'saved' },
  };
}

const [mode, dir, otlpUrl] = process.argv.slice(2) as [string, string, string];
const server = await assembleServer(
  loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    EXECUTIONS_DIR: join(dir, 'executions'),
    MEDIA_DIR: join(dir, 'media'),
    LOG_LEVEL: 'silent',
    ...(otlpUrl
      ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }
      : { OTEL_TRACES_EXPORTER: 'none' }),
  }),
  { logger: pino({ level: 'silent' }), ...(mode === 'untraced' ? { app: untraced } : {}) },
);
const listening = await server.listen();
// Responses finished, counted here so the bench divides the CPU of a slice, tail included, by
// the requests that used it.
let answered = 0;
listening.on('request', (_req, res: ServerResponse) => res.once('finish', () => (answered += 1)));
process.send!({ port: (listening.address() as { port: number }).port });
process.on('message', (m) => {
  if (m === 'answered') return void process.send!({ answered });
  if (m !== 'finish') return;
  void (async () => {
    await server.tracing.recordExporter.forceFlush();
    const { records } = await server.store.stats();
    await server.shutdown();
    process.send!({ records }, () => process.exit(0));
  })();
});
