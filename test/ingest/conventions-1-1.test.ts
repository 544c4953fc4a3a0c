import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHrTime } from '../../src/domain/timestamp.js';
import * as A from '../../src/telemetry/tracker/attributes.js';
import { ingestApp } from '../helpers/ingest-app.js';
import { int, str } from '../helpers/otlp-requests.js';

// The cases an independent client, written only from docs/span-conventions.md, found open in
// version 1: each gets the right record (or a clear refusal) under 1.1.

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ID = 'exec_20250101_120000_00c0ffee';
const T0 = 1_735_732_800_000_000_000n;
let spanCounter = 0;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

type Attr = ReturnType<typeof str> | ReturnType<typeof int>;

function item(sequence: number, type: string, extra: Attr[] = [], metadata: object = {}) {
  return {
    timeUnixNano: String(T0 + BigInt(sequence) * 1_000_000n),
    name: type,
    attributes: [
      int(A.ATTR_ITEM_SEQUENCE, sequence),
      int(A.ATTR_ITEM_STAGE, type === 'pipeline_complete' ? 5 : 2),
      str(A.ATTR_ITEM_MEDIA_TYPE, type === 'pipeline_complete' ? 'metadata' : 'text'),
      str(A.ATTR_ITEM_METADATA, JSON.stringify(metadata)),
      ...extra,
    ],
  };
}

const complete = (sequence: number, logged: number, outcome = 'completed') =>
  item(sequence, 'pipeline_complete', [], { outcome, total_items_logged: logged });

function span(role: string, events: object[], attributes: Attr[] = [], id = ID) {
  const runFields =
    role === 'run' || role === 'start'
      ? [
          str(A.ATTR_CONFIG_NAME, 'dada'),
          ...(role === 'run' ? [str(A.ATTR_STATUS, 'completed')] : []),
        ]
      : [];
  return {
    traceId: TRACE,
    spanId: (++spanCounter).toString(16).padStart(16, 'a'),
    name: role,
    kind: 1,
    startTimeUnixNano: String(T0),
    endTimeUnixNano: String(T0 + 2_250_000_000n),
    attributes: [
      str(A.ATTR_EXECUTION_ID, id),
      str(A.ATTR_SPAN_ROLE, role),
      ...runFields,
      ...attributes,
    ],
    events,
  };
}

const body = (spans: object[]) =>
  JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'c' }, spans }] },
    ],
  });

type Target = Awaited<ReturnType<typeof ingestApp>>;

async function post(target: Target, spans: object[]) {
  const res = await request(target.app)
    .post('/v1/traces')
    .set('content-type', 'application/json')
    .send(body(spans));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.partialSuccess?.rejectedSpans ?? 0).toBe(0);
  await target.ingest.forceFlush();
}

async function send(...requests: object[][]) {
  const target = await ingestApp();
  closers.push(() => target.ingest.shutdown());
  for (const spans of requests) await post(target, spans);
  return target;
}

const texts = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => item(from + i, 'interception_iteration'));

describe('conventions 1.1: what version 1 left open', () => {
  it('total_items_logged may count pipeline_complete itself or not', async () => {
    for (const logged of [4, 3]) {
      const t = await send([
        span('start', texts(2)),
        span('stage', [item(3, 'x_item')]),
        span('run', [complete(4, logged)]),
      ]);
      const r = (await t.store.get(ID))!;
      expect([r.status, r.items.length]).toEqual(['completed', 4]);
    }
    // Either reading, an item missing keeps the record incomplete.
    for (const logged of [4, 3]) {
      const t = await send([span('start', texts(2)), span('run', [complete(4, logged)])]);
      expect((await t.store.get(ID))!.status).toBe('incomplete');
    }
  });

  it('pipeline_complete on a stage span that arrives after the run span', async () => {
    const t = await send([span('start', texts(2)), span('run', [])]);
    // The run span says completed, but its pipeline_complete has not come: not final yet.
    expect((await t.store.get(ID))!.status).toBe('incomplete');
    await post(t, [span('stage', [...texts(11, 3), complete(14, 14)])]);
    const r = (await t.store.get(ID))!;
    expect([r.status, r.items.length]).toEqual(['completed', 14]);
  });

  it('takes the outcome from pipeline_complete’s `outcome` when it comes late', async () => {
    const t = await send(
      [span('start', texts(1)), span('run', [])],
      [span('stage', [complete(2, 2, 'blocked')])],
    );
    expect((await t.store.get(ID))!.status).toBe('blocked');
  });

  it('iteration and loop numbers set only on spans reach the items', async () => {
    const t = await send([
      span('start', texts(1)),
      span(
        'iteration',
        [item(2, 'interception_iteration')],
        [int(A.ATTR_STAGE, 2), int(A.ATTR_STAGE_ITERATION, 3)],
      ),
      span(
        'stage',
        [item(3, 'output_image')],
        [int(A.ATTR_STAGE, 4), int(A.ATTR_LOOP_ITERATION, 2)],
      ),
      span('run', [complete(4, 4)]),
    ]);
    const r = (await t.store.get(ID))!;
    expect(r.items.map((i) => [i.stage_iteration, i.loop_iteration])).toEqual([
      [null, null],
      [3, null],
      [null, 2],
      [null, null],
    ]);
  });

  it('accepts an execution id with upper-case hex and stores it in lower case', async () => {
    const upper = 'exec_20250101_120000_00C0FFEE';
    const t = await send([
      span('start', texts(1), [], upper),
      span('run', [complete(2, 2)], [], upper),
    ]);
    const r = (await t.store.get(ID))!;
    expect([r.execution_id, r.status]).toEqual([ID, 'completed']);
  });

  it('timestamp is the run span’s start, total_execution_time its duration', async () => {
    const t = await send([span('start', texts(1)), span('run', [complete(2, 2)])]);
    const r = (await t.store.get(ID))!;
    const seconds = Number(T0 / 1_000_000_000n);
    expect(r.timestamp).toBe(formatHrTime([seconds, 0]));
    expect(r.total_execution_time).toBe(2.25);
  });

  it('refuses OTLP/JSON that is not valid UTF-8 with 400 and the reason', async () => {
    const target = await ingestApp();
    closers.push(() => target.ingest.shutdown());
    const json = Buffer.from(
      body([span('start', [item(1, 'user_input_text', [str(A.ATTR_ITEM_CONTENT, 'Blume')])])]),
    );
    const at = json.indexOf('Blume');
    json[at + 1] = 0xff; // an invalid byte inside the child's text
    const res = await request(target.app)
      .post('/v1/traces')
      .set('content-type', 'application/json')
      .serialize((raw: unknown) => raw as string) // the bytes as they are, not as JSON
      .send(json);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(
      `not valid UTF-8 (invalid bytes at offset ${at + 1})`,
    );
    expect(await target.store.get(ID)).toBeNull();
  });
});
