import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { OtlpPath } from '../../../src/telemetry/otlp/otlp-path.js';
import { eventually } from '../../helpers/eventually.js';

/** An exporter whose answers the test gives: failed until `up` is set. */
function collector() {
  const state = { up: false, exports: 0 };
  const exporter: SpanExporter = {
    export: (_spans, done) => {
      state.exports += 1;
      done(
        state.up
          ? { code: ExportResultCode.SUCCESS }
          : { code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED') },
      );
    },
    shutdown: async () => {},
  };
  return { state, exporter };
}

describe('OtlpPath during an outage', () => {
  it('holds at most the outage queue while the collector fails, the full queue again once it answers', async () => {
    const { state, exporter } = collector();
    const otlp = new OtlpPath({
      url: 'http://127.0.0.1:4318/v1/traces',
      exporter,
      maxQueueSize: 1_000,
      outageQueueSize: 20,
      maxExportBatchSize: 10,
      scheduledDelayMillis: 60_000,
    });
    const tracer = new BasicTracerProvider({ spanProcessors: [otlp] }).getTracer('t');
    const end = (n: number) => {
      for (let i = 0; i < n; i++) tracer.startSpan('s').end();
    };
    end(10); // a full batch: exported (and failed)
    await eventually(() => expect(otlp.stats().state).toBe('failing'));
    end(100);
    expect(otlp.stats().spans_queued).toBeLessThanOrEqual(20);
    expect(otlp.stats().spans_dropped).toBeGreaterThanOrEqual(80);
    state.up = true;
    await otlp.forceFlush();
    await eventually(() => expect(otlp.stats().state).toBe('ok'));
    const dropped = otlp.stats().spans_dropped;
    end(500);
    expect(otlp.stats().spans_dropped).toBe(dropped); // the full queue again
    await otlp.shutdown();
  });
});
