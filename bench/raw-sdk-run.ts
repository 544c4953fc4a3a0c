// The spans and events of a 13-item Stille Post run (flow b) emitted directly on an
// OpenTelemetry tracer, without the tracker: the floor the tracker's cost is compared with.
import { context, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

const LANGS = ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'];

/** An exporter that drops every span at once. */
export class DiscardExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A tracer on its own provider: a SimpleSpanProcessor in front of a discarding exporter. */
export function discardingTracer(): Tracer {
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new DiscardExporter())],
  });
  return provider.getTracer('raw');
}

let sequence = 0;

function item(span: Span, type: string, stage: number, fields: Attributes, metadata: object) {
  span.addEvent(type, {
    'execution.item.sequence_number': ++sequence,
    'execution.item.stage': stage,
    'execution.item.media_type': 'text',
    'execution.item.metadata': JSON.stringify(metadata),
    ...fields,
  });
}
const META = { 'execution.item.media_type': 'metadata' };

/** One run's 12 spans and 14 events, the same tree and attributes the tracker writes. */
export async function rawStillePostRun(tracer: Tracer, id = 'exec_20260101_000000_00000000') {
  const runAttributes = {
    'execution.id': id,
    'execution.config_name': 'stillepost',
    'execution.mode': 'eco',
    'execution.safety_level': 'kids',
    'execution.user_id': 'anonymous',
    'execution.session_id': 'default',
    'execution.taxonomy_version': '1.1',
  };
  const run = tracer.startSpan('execution stillepost', {
    attributes: { ...runAttributes, 'execution.span.role': 'run' },
  });
  const runContext = trace.setSpan(context.active(), run);
  const start = tracer.startSpan(
    'pipeline start',
    { attributes: { ...runAttributes, 'execution.span.role': 'start', 'execution.stage': 0 } },
    runContext,
  );
  item(start, 'pipeline_start', 0, META, { config_name: 'stillepost' });
  item(
    start,
    'user_input_text',
    1,
    { 'execution.item.content': 'Eine Blume auf der Wiese' },
    { input_language: 'de', char_count: 24 },
  );
  start.end();
  const stage = (n: number, name: string) =>
    tracer.startSpan(
      name,
      { attributes: { 'execution.id': id, 'execution.span.role': 'stage', 'execution.stage': n } },
      runContext,
    );
  const s1 = stage(1, 'stage1 pre-interception');
  item(
    s1,
    'stage1_safety_check',
    1,
    { 'execution.item.execution_time': 0.00001 },
    { safe: true, method: 'fast_filter', safety_level: 'kids' },
  );
  item(
    s1,
    'translation_result',
    1,
    {
      'execution.item.content': 'A flower in the meadow',
      'execution.item.model_used': 'offline-rules',
      'execution.item.backend_type': 'offline',
      'execution.item.execution_time': 0.00001,
    },
    { from_lang: 'de', to_lang: 'en' },
  );
  s1.end();
  const s2 = stage(2, 'stage2 interception');
  const s2Context = trace.setSpan(runContext, s2);
  for (let i = 1; i <= 8; i++) {
    await Promise.resolve(); // the tracker's structured form awaits each iteration
    const it = tracer.startSpan(
      'stage2 iteration',
      {
        attributes: {
          'execution.id': id,
          'execution.span.role': 'iteration',
          'execution.stage': 2,
          'execution.stage_iteration': i,
        },
      },
      s2Context,
    );
    item(
      it,
      'interception_iteration',
      2,
      {
        'execution.item.stage_iteration': i,
        'execution.item.content': `A flower in the meadow (${LANGS[i]})`,
        'execution.item.config_used': 'stillepost',
        'execution.item.model_used': 'offline-rules',
        'execution.item.backend_type': 'offline',
        'execution.item.execution_time': 0.00001,
      },
      { from_lang: LANGS[i - 1], to_lang: LANGS[i], iteration_type: 'translation' },
    );
    it.end();
  }
  item(
    s2,
    'interception_final',
    2,
    { 'execution.item.content': 'A flower on the grassland' },
    { total_iterations: 8, transformation_type: 'stillepost', language_sequence: LANGS },
  );
  s2.end();
  item(run, 'pipeline_complete', 5, META, {
    outcome: 'completed',
    outputs_produced: 0,
    stages_completed: [1, 2],
  });
  run.setAttributes({ 'execution.status': 'completed', 'execution.outputs.produced': 0 });
  run.end();
}
