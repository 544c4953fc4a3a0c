import * as A from '../../src/telemetry/tracker/attributes.js';
import { int, str } from './otlp-requests.js';

// OTLP/JSON spans of one run built piece by piece, for the ingest attack and integrity tests.

const T0 = 1_735_732_800_000_000_000n;
let spanCounter = 0;

/** A fresh 16-hex-digit span id. */
const nextSpanId = () => (++spanCounter).toString(16).padStart(16, '0').replace(/^0/, 'a');

/** An item event in OTLP/JSON. */
export function itemJson(sequence: number, type: string, content: string) {
  return {
    timeUnixNano: String(T0 + BigInt(sequence) * 1000n),
    name: type,
    attributes: [
      int(A.ATTR_ITEM_SEQUENCE, sequence),
      int(A.ATTR_ITEM_STAGE, 1),
      str(A.ATTR_ITEM_MEDIA_TYPE, 'text'),
      str(A.ATTR_ITEM_CONTENT, content),
      str(A.ATTR_ITEM_METADATA, '{}'),
    ],
  };
}

/** One span of run `id` in OTLP/JSON; run attributes only on `run` and `start` spans. */
export function spanJson(options: {
  traceId: string;
  id: string;
  role: string;
  userId?: string;
  configName?: string;
  events?: object[];
}) {
  const run = options.role === A.ROLE_RUN || options.role === A.ROLE_START;
  return {
    traceId: options.traceId,
    spanId: nextSpanId(),
    name: options.role,
    kind: 1,
    startTimeUnixNano: String(T0),
    endTimeUnixNano: String(T0 + 1_500_000_000n),
    attributes: [
      str(A.ATTR_EXECUTION_ID, options.id),
      str(A.ATTR_SPAN_ROLE, options.role),
      ...(run
        ? [
            str(A.ATTR_CONFIG_NAME, options.configName ?? 'dada'),
            str(A.ATTR_USER_ID, options.userId ?? 'anonymous'),
          ]
        : []),
    ],
    events: options.events ?? [],
  };
}

/** An export request body (OTLP/JSON text) of `spans`. */
export function exportJson(spans: object[]): string {
  return JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'x' }, spans }] },
    ],
  });
}
