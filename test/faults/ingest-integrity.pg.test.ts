import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import type { RecordStore } from '../../src/store/record-store.js';
import * as A from '../../src/telemetry/tracker/attributes.js';
import { openFileStore } from '../helpers/file-store.js';
import { ingestApp } from '../helpers/ingest-app.js';
import { exportJson, itemJson, spanJson } from '../helpers/otlp-spans.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { testApp } from '../helpers/test-app.js';

// Issue 20: a record belongs to the trace that made it, and erased stays erased on every path
// (the ingest buffer, both spools), on both stores.

const TOKEN = 'integrity-token-0123456789';
const auth = `Bearer ${TOKEN}`;
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1';
const TRACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2';
const ID = 'exec_20250101_120000_00c0ffee';

let postgres: TestPostgres;
const closers: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(async () => {
  await postgres?.stop();
});

/** A store whose saves fail while `down` (reads, lists and deletes still work). */
class FlakyStore implements RecordStore {
  down = false;
  constructor(readonly inner: RecordStore) {}
  save: RecordStore['save'] = (r) =>
    this.down ? Promise.reject(new Error('store down')) : this.inner.save(r);
  get: RecordStore['get'] = (id) => this.inner.get(id);
  list: RecordStore['list'] = (q) => this.inner.list(q);
  delete: RecordStore['delete'] = (id) => this.inner.delete(id);
  stats: RecordStore['stats'] = () => this.inner.stats();
}

const stores: [string, () => Promise<RecordStore>][] = [
  ['file store', () => openFileStore()],
  [
    'PostgreSQL store',
    async () => {
      const store = await PostgresRecordStore.open(await postgres.createDatabase(), {
        poolSize: 2,
      });
      closers.push(() => store.close());
      return store;
    },
  ],
];

describe.each(stores)('on the %s', (_name, openStore) => {
  async function service() {
    const store = new FlakyStore(await openStore());
    const ctx = await testApp({
      store,
      app: { apiToken: TOKEN },
      tracing: { record: { retryInitialMillis: 10, shutdownFlushMillis: 100 } },
      ingest: {
        record: { checkpointDelayMillis: 0, retryInitialMillis: 10, shutdownFlushMillis: 100 },
      },
    });
    closers.push(
      () => ctx.tracing.shutdown(),
      () => ctx.ingest!.shutdown(),
    );
    const send = (spans: object[]) =>
      request(ctx.app)
        .post('/v1/traces')
        .set('authorization', auth)
        .set('content-type', 'application/json')
        .send(exportJson(spans));
    /** A pipeline run of `child-1` through the in-process record path; its saved record. */
    const pipelineRun = async () => {
      const t = ctx.tracing.startRun({ configName: 'dada', userId: 'child-1' });
      t.setStage(1);
      t.logUserInput('Eine Blume');
      t.complete();
      await ctx.tracing.forceFlush();
      return t.executionId;
    };
    /** Lets both spools retry what they hold, now that the store takes saves again. */
    const recover = async () => {
      store.down = false;
      const deadline = Date.now() + 3_000;
      await ctx.tracing.recordExporter.spool.flush(deadline);
      await ctx.ingest!.assembler.spool.flush(deadline);
    };
    const erase = () =>
      request(ctx.app).post('/api/erasure').set('authorization', auth).send({ user_id: 'child-1' });
    const remove = (id: string) =>
      request(ctx.app).delete(`/api/executions/${id}`).set('authorization', auth);
    return { ctx, store, send, pipelineRun, recover, erase, remove };
  }

  describe('a record belongs to the trace that made it', () => {
    it('refuses a forged run span, a forged start span and a late span of another trace for a pipeline record', async () => {
      const { ctx, store, send, pipelineRun } = await service();
      const id = await pipelineRun();
      const before = (await store.get(id))!;
      expect(before.status).toBe('completed');
      const forgedRun = spanJson({ traceId: TRACE_B, id, role: A.ROLE_RUN, userId: 'mallory' });
      const forgedStart = spanJson({
        traceId: before.trace_id!,
        id,
        role: A.ROLE_START,
        userId: 'mallory',
        events: [itemJson(1, 'pipeline_start', 'forged')],
      });
      const late = spanJson({
        traceId: TRACE_B,
        id,
        role: A.ROLE_STAGE,
        events: [itemJson(2, 'user_input_text', 'forged words')],
      });
      const answers = [];
      for (const span of [forgedRun, forgedStart, late]) answers.push(await send([span]));
      await ctx.ingest!.forceFlush();
      expect(await store.get(id)).toEqual(before);
      const reasons = [/belongs to another trace/, /made by this service's pipeline/, /another/];
      answers.forEach((res, n) => {
        expect(res.status).toBe(200);
        expect(res.body.partialSuccess).toMatchObject({
          rejectedSpans: '1',
          errorMessage: expect.stringMatching(reasons[n]!),
        });
      });
      const health = await request(ctx.app).get('/health').set('authorization', auth);
      expect(health.body.ingest).toMatchObject({
        spans_refused: { other_trace: 2, pipeline_record: 1 },
        requests_throttled: 0,
        limits: { maxSpansPerRun: 10_000 },
        record_path: { buffered_runs: 0, buffered_spans: 0, buffered_bytes: 0 },
      });

      // A second ingest over the same store (a restart: nothing in memory) refuses them too.
      const restarted = await ingestApp({ store, record: { checkpointDelayMillis: 0 } });
      closers.push(() => restarted.ingest.shutdown());
      for (const span of [forgedRun, forgedStart, late]) {
        const res = await request(restarted.app)
          .post('/v1/traces')
          .set('content-type', 'application/json')
          .send(exportJson([span]));
        expect(res.status).toBe(200);
        expect(res.body.partialSuccess?.rejectedSpans).toBe('1');
      }
      await restarted.ingest.forceFlush();
      expect(await store.get(id)).toEqual(before);
    });

    it('lets a completed ingested record change only by exact duplicates', async () => {
      const { ctx, store, send } = await service();
      const start = spanJson({
        traceId: TRACE_A,
        id: ID,
        role: A.ROLE_START,
        events: [itemJson(1, 'user_input_text', 'Eine Blume')],
      });
      const run = spanJson({ traceId: TRACE_A, id: ID, role: A.ROLE_RUN });
      expect((await send([start, run])).body).toEqual({});
      const before = (await store.get(ID))!;
      expect(before.status).toBe('completed');
      expect((await send([start, run])).body).toEqual({}); // a retry: exact duplicate
      const edited = spanJson({ traceId: TRACE_A, id: ID, role: A.ROLE_RUN, configName: 'x' });
      expect((await send([edited])).status).toBe(200); // a late run span: its items only count
      const replaced = spanJson({
        traceId: TRACE_A,
        id: ID,
        role: A.ROLE_STAGE,
        events: [itemJson(1, 'user_input_text', 'forged words')],
      });
      const res = await send([replaced]);
      await ctx.ingest!.forceFlush();
      expect(await store.get(ID)).toEqual(before);
      expect(res.body.partialSuccess).toEqual({
        rejectedSpans: '1',
        errorMessage: expect.stringMatching(/final and changes only by exact duplicates/),
      });
    });
  });

  describe('erased stays erased', () => {
    /** Starts run ID of child-1 over ingest: its start span is in the buffer (and checkpointed). */
    async function openIngestRun(send: (spans: object[]) => request.Test, saved = true) {
      const start = spanJson({
        traceId: TRACE_A,
        id: ID,
        role: A.ROLE_START,
        userId: 'child-1',
        events: [itemJson(1, 'user_input_text', 'Eine Blume')],
      });
      expect((await send([start])).status).toBe(saved ? 200 : 503);
    }
    const rest = () => [
      spanJson({
        traceId: TRACE_A,
        id: ID,
        role: A.ROLE_STAGE,
        events: [itemJson(2, 'translation_result', 'A flower')],
      }),
      spanJson({ traceId: TRACE_A, id: ID, role: A.ROLE_RUN, userId: 'child-1' }),
    ];

    it('DELETE of a run open in the ingest buffer: its next spans do not bring it back', async () => {
      const { ctx, store, send, remove } = await service();
      await openIngestRun(send);
      await ctx.ingest!.forceFlush();
      expect(await store.get(ID)).not.toBeNull();
      expect((await remove(ID)).status).toBe(204);
      await send(rest());
      await ctx.ingest!.forceFlush();
      expect(await store.get(ID)).toBeNull();
      expect((await remove(ID)).status).toBe(404);
    });

    it('erasure of a run open in the ingest buffer: its next spans do not bring it back', async () => {
      const { ctx, store, send, erase } = await service();
      await openIngestRun(send);
      await ctx.ingest!.forceFlush();
      const res = await erase();
      await send(rest());
      await ctx.ingest!.forceFlush();
      expect(await store.get(ID)).toBeNull();
      expect(res.body.erased.execution_ids).toEqual([ID]);
    });

    it('erasure of a run open in the ingest buffer and never saved (the store failing)', async () => {
      const { ctx, store, send, erase, recover } = await service();
      store.down = true;
      await openIngestRun(send, false);
      const res = await erase();
      await recover();
      await send(rest());
      await ctx.ingest!.forceFlush();
      expect(await store.get(ID)).toBeNull();
      expect(res.body.erased.execution_ids).toEqual([ID]);
    });

    it('erasure of a pipeline record waiting in the spool (the store failing)', async () => {
      const { store, pipelineRun, erase, recover } = await service();
      store.down = true;
      const id = await pipelineRun();
      const res = await erase();
      await recover();
      expect(await store.get(id)).toBeNull();
      expect(res.body.erased.execution_ids).toEqual([id]);
    });

    it('DELETE and erasure of an ingested record waiting in the ingest spool (the store failing)', async () => {
      const { store, send, erase, remove, recover } = await service();
      store.down = true;
      await openIngestRun(send, false);
      expect((await send(rest())).status).toBe(503);
      const other = 'exec_20250101_120000_00c0ffef';
      const start = spanJson({ traceId: TRACE_B, id: other, role: A.ROLE_START });
      const run = spanJson({ traceId: TRACE_B, id: other, role: A.ROLE_RUN });
      expect((await send([start, run])).status).toBe(503);
      const res = await erase();
      await remove(other);
      await recover();
      expect(await store.get(ID)).toBeNull();
      expect(await store.get(other)).toBeNull();
      expect(res.body.erased.execution_ids).toEqual([ID]);
    });
  });
});
