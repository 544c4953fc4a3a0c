import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isExecutionId } from '../../domain/execution-id.js';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { COMPAT_VERSION, toCompatRecord } from '../../research/compat-record.js';
import type { RecordStore } from '../../store/record-store.js';
import { HttpError } from '../http-error.js';
import { legacyErrorHandler, legacyStats, legacySummary } from '../legacy-runs.js';
import type { LiveEvent, LiveItems } from '../live-items.js';
import { addExportRoutes } from './export-routes.js';
import {
  givenFilters,
  LegacyListQuerySchema,
  ListQuerySchema,
  NoQuerySchema,
  parseQuery,
  RecordQuerySchema,
  toRecordQuery,
} from './list-query.js';

/** Options of `executionsRouter`. */
export interface ExecutionsRouteOptions {
  store: RecordStore;
  live: LiveItems;
  mediaDir: string;
  traceUrl: (traceId: string) => string | null;
  /**
   * `current` (default): this API's shapes. `legacy`: the earlier server's shapes for
   * `/api/runs` (list entries, stats keys, error bodies, records in the taxonomy-1.0 shape).
   */
  flavor?: 'current' | 'legacy';
  /** Logs server faults of the legacy mount (the current one uses the app's error handler). */
  logger?: Logger;
  /** Where research bundles keep intermediate files; default the OS temp directory. */
  scratchDir?: string;
}

const MEDIA_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function checkId(id: string | undefined): string {
  if (!isExecutionId(id))
    throw new HttpError(
      400,
      'invalid_execution_id',
      'expected an execution id: exec_YYYYMMDD_HHMMSS_<8 lowercase hex>',
    );
  return id;
}

/** The executions API: list, get, delete, stats, exports, media, live stream. Mounted at a base path. */
export function executionsRouter(options: ExecutionsRouteOptions): Router {
  const { store, live } = options;
  const legacy = options.flavor === 'legacy';
  const router = Router();
  const withLink = (record: ExecutionRecord) => ({
    ...record,
    trace_url: record.trace_url ?? (record.trace_id ? options.traceUrl(record.trace_id) : null),
  });
  const load = async (id: string | undefined): Promise<ExecutionRecord> => {
    const record = await store.get(checkId(id));
    if (!record) throw new HttpError(404, 'not_found', `no execution ${id}`, { execution_id: id });
    return record;
  };

  router.get('/', async (req, res) => {
    const q = parseQuery(req.query, legacy ? LegacyListQuerySchema : ListQuerySchema);
    const page = await store.list(toRecordQuery(q));
    const filters = givenFilters(q);
    if (!legacy) {
      res.json({
        executions: page.records,
        total: page.total,
        limit: q.limit,
        offset: q.offset,
        returned: page.records.length,
        filters,
      });
      return;
    }
    const executions = [];
    for (const s of page.records) executions.push(await legacySummary(store, s));
    res.json({
      executions,
      total: page.total,
      limit: q.limit,
      offset: q.offset,
      returned: executions.length,
      ...(Object.keys(filters).length === 0
        ? {}
        : {
            filters: {
              config: null,
              date: null,
              user_id: null,
              session_id: null,
              ...filters,
            },
          }),
    });
  });

  router.get('/stats', async (req, res) => {
    parseQuery(req.query, NoQuerySchema);
    const stats = await store.stats();
    res.json(legacy ? legacyStats(stats) : stats);
  });

  addExportRoutes(router, {
    store,
    load,
    withLink,
    defaultShape: legacy ? 'compat' : 'full',
    scratchDir: options.scratchDir,
  });

  router.get('/:id', async (req, res) => {
    const q = parseQuery(req.query, RecordQuerySchema);
    const record = await load(req.params.id);
    res.json(legacy || q.compat === COMPAT_VERSION ? toCompatRecord(record) : withLink(record));
  });

  router.delete('/:id', async (req, res) => {
    const id = checkId(req.params.id);
    if (!(await store.delete(id))) throw new HttpError(404, 'not_found', `no execution ${id}`);
    await rm(join(options.mediaDir, id), { recursive: true, force: true });
    res.status(204).end();
  });

  router.get('/:id/media/:file', async (req, res) => {
    parseQuery(req.query, NoQuerySchema);
    const id = checkId(req.params.id);
    if (!MEDIA_FILE.test(req.params.file))
      throw new HttpError(400, 'invalid_file_name', 'invalid media file name');
    const path = resolve(options.mediaDir, id, req.params.file);
    await new Promise<void>((ok, fail) =>
      res.sendFile(path, { dotfiles: 'deny' }, (error) =>
        error ? fail(new HttpError(404, 'not_found', 'no such media file')) : ok(),
      ),
    );
  });

  router.get('/:id/stream', async (req, res) => {
    parseQuery(req.query, NoQuerySchema);
    const id = checkId(req.params.id);
    const events: LiveEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = live.subscribe(id, (event) => {
      events.push(event);
      wake?.();
    });
    if (!unsubscribe) {
      // Not running here: replay the saved record and close.
      const record = await load(id);
      startEventStream(res);
      for (const item of record.items) sendEvent(res, 'item', item);
      sendEvent(res, 'end', { status: record.status });
      res.end();
      return;
    }
    startEventStream(res);
    let closed = false;
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => (closed = true));
    try {
      while (!closed) {
        const event = events.shift();
        if (!event) {
          await new Promise<void>((r) => {
            wake = r;
            req.once('close', r);
          });
          continue;
        }
        if (event.kind === 'item') sendEvent(res, 'item', event.item);
        else {
          sendEvent(res, 'end', { status: event.status });
          break;
        }
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    }
  });

  if (legacy) router.use(legacyErrorHandler(options.logger));
  return router;
}

function startEventStream(res: Response): void {
  res.status(200).set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
}

function sendEvent(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
