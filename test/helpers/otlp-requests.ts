import { ExportTraceServiceRequestType } from '../../src/ingest/otlp-proto.js';
import * as A from '../../src/telemetry/tracker/attributes.js';

// Hand-built OTLP trace export requests: one small run (a start span with one item, then the
// run span), for the ingest tests over HTTP and gRPC.
export const TRACE = '0af7651916cd43dd8448eb211c80319c';
export const ID = 'exec_20250101_120000_0000abcd';
export const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
export const int = (key: string, v: number) => ({ key, value: { intValue: v } });

/** A whole run in OTLP/JSON: the start span with one item, then the run span. */
export function runRequest(extraSpans: object[] = []) {
  const run = [str(A.ATTR_EXECUTION_ID, ID), str(A.ATTR_CONFIG_NAME, 'dada')];
  const span = (spanId: string, role: string, events: object[] = []) => ({
    traceId: TRACE,
    spanId,
    name: role,
    kind: 1,
    startTimeUnixNano: '1735732800000000000',
    endTimeUnixNano: '1735732801500000000',
    attributes: [...run, str(A.ATTR_SPAN_ROLE, role)],
    events,
  });
  const item = {
    timeUnixNano: '1735732800000100000',
    name: 'user_input_text',
    attributes: [
      int(A.ATTR_ITEM_SEQUENCE, 1),
      int(A.ATTR_ITEM_STAGE, 1),
      str(A.ATTR_ITEM_MEDIA_TYPE, 'text'),
      str(A.ATTR_ITEM_CONTENT, 'Eine Blume'),
      str(A.ATTR_ITEM_METADATA, '{}'),
    ],
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'elsewhere')] },
        scopeSpans: [
          {
            scope: { name: 'x' },
            spans: [
              span('00f067aa0ba902b7', 'start', [item]),
              ...extraSpans,
              span('00f067aa0ba902b8', 'run'),
            ],
          },
        ],
      },
    ],
  };
}

/** An OTLP/JSON-shaped document (ids base64) as a protobuf body. */
export const protobuf = (doc: object) =>
  Buffer.from(
    ExportTraceServiceRequestType.encode(ExportTraceServiceRequestType.fromObject(doc)).finish(),
  );

/** The JSON document with hex ids as base64, as protobufjs `fromObject` takes bytes. */
export function hexToBase64(doc: ReturnType<typeof runRequest>): object {
  return JSON.parse(JSON.stringify(doc), (key, value: unknown) =>
    (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string'
      ? Buffer.from(value, 'hex').toString('base64')
      : value,
  );
}
