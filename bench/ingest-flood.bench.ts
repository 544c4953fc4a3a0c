// Issue 20's memory attack against OTLP ingest with its default limits: requests of 30,000
// small spans (about 3.9 MB of protobuf each) for runs whose start or run span never comes.
// Reports the run buffer's estimated bytes, the JS heap after GC (run with --expose-gc), how
// many requests were refused with 429, and the slowest answer.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { INGEST_LIMIT_DEFAULTS } from '../src/ingest/ingest-limits.js';
import { OtlpIngest } from '../src/server/otlp/otlp-ingest.js';
import { ExportTraceServiceRequestType } from '../src/ingest/otlp-proto.js';
import { MemoryRecordStore } from '../src/store/memory-record-store.js';
import { fmt, heapMb, report, type Figure } from './stats.js';

const REQUESTS = Number(process.env.BENCH_FLOOD_REQUESTS ?? 40);
const SPANS = 30_000;
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

function body(n: number): Buffer {
  const trace = Buffer.alloc(16, (n % 250) + 1).toString('base64');
  const spans = Array.from({ length: SPANS }, (_, i) => {
    const spanId = Buffer.alloc(8);
    spanId.writeUInt32BE(n + 1, 0);
    spanId.writeUInt32BE(i + 1, 4);
    const id = `exec_20250101_120000_${(n * 1_000 + (i % 300)).toString(16).padStart(8, '0')}`;
    return {
      traceId: trace,
      spanId: spanId.toString('base64'),
      startTimeUnixNano: '1735732800000000000',
      endTimeUnixNano: '1735732801000000000',
      attributes: [str('execution.id', id), str('execution.span.role', 'stage')],
    };
  });
  const doc = { resourceSpans: [{ scopeSpans: [{ spans }] }] };
  return Buffer.from(
    ExportTraceServiceRequestType.encode(ExportTraceServiceRequestType.fromObject(doc)).finish(),
  );
}

export async function main(): Promise<Figure[]> {
  const ingest = new OtlpIngest({ store: new MemoryRecordStore() });
  const before = heapMb();
  let throttled = 0;
  let slowest = 0;
  let peakHeap = before;
  const answers: number[] = [];
  for (let n = 0; n < REQUESTS; n++) {
    const b = body(n);
    const t0 = performance.now();
    const result = await ingest.ingest(b, 'protobuf');
    const ms = performance.now() - t0;
    answers.push(ms);
    slowest = Math.max(slowest, ms);
    if (result.throttled) throttled += 1;
    peakHeap = Math.max(peakHeap, heapMb());
  }
  const stats = ingest.stats().record_path;
  const estimateMb = stats.buffered_bytes / 2 ** 20;
  const heldMb = heapMb() - before;
  await ingest.shutdown();
  const bound = INGEST_LIMIT_DEFAULTS.maxBufferedBytes / 2 ** 20;
  return report('OTLP ingest under a flood of spans for runs that never end', [
    { name: `requests of ${SPANS} spans sent`, value: String(REQUESTS) },
    { name: 'requests refused with 429 (buffer full)', value: String(throttled) },
    {
      name: 'run buffer, estimated MiB (bound)',
      value: `${fmt(estimateMb, 1)} (${bound})`,
      target: `≤ ${bound}`,
      met: estimateMb <= bound,
    },
    { name: 'JS heap held by the buffer after GC, MiB', value: fmt(heldMb, 1) },
    { name: 'peak JS heap after GC, MiB', value: fmt(peakHeap, 1) },
    { name: 'heap held / estimate', value: fmt(heldMb / Math.max(estimateMb, 1e-9), 2) },
    {
      name: 'median answer, ms',
      value: fmt(answers.sort((a, b) => a - b)[answers.length >> 1]!, 0),
    },
    { name: 'slowest answer, ms', value: fmt(slowest, 0) },
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();
