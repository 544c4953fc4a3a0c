import { Router, type Response } from 'express';
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXECUTION_ID_RULE, isExecutionId } from '../../domain/execution-id.js';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import type { RecordStore } from '../../store/record-store.js';
import { recordToJsonLine, recordToXml } from '../export-formats.js';
import type { RecordPath } from '../app.js';
import { HttpError } from '../http-error.js';
import type { LiveEvent, LiveItems } from '../live-items.js';
import { ListQuerySchema, parseListQuery, toRecordQuery } from './list-query.js';

/** Options of `executionsRouter`. */
export interface ExecutionsRouteOptions {
  store: RecordStore;
  live: LiveItems;
  records: RecordPath;
  mediaDir: string;
  traceUrl: (traceId: string) => string | null;
}

const MEDIA_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const BULK_LIMIT = 10_000;

function checkId(id: string | undefined): string {
  if (!isExecutionId(id)) throw new HttpError(400, 'invalid_execution_id', EXECUTION_ID_RULE);
  return id;
}

/** The executions API: list, get, delete, stats, exports, media, live stream. Mounted at a base path. */
export function executionsRouter(options: ExecutionsRouteOptions): Router {
  const { store, live } = options;
  const router = Router();
  const withLink = (record: ExecutionRecord) => ({
    ...record,
    trace_url: record.trace_url ?? (record.trace_id ? options.traceUrl(record.trace_id) : null),
  });
  const load = async (id: string | undefined): Promise<ExecutionRecord> => {
    const record = await store.get(checkId(id));
    if (!record) throw new HttpError(404, 'not_found', `no execution ${id}`);
    return record;
  };

  router.get('/', async (req, res) => {
    const q = parseListQuery(req.query);
    const page = await store.list(toRecordQuery(q));
    const { limit, offset, ...filters } = q;
    res.json({
      executions: page.records,
      total: page.total,
      limit,
      offset,
      returned: page.records.length,
      filters,
    });
  });

  router.get('/stats', async (_req, res) => {
    res.json(await store.stats());
  });

  router.get('/export/jsonl', async (req, res) => {
    const q = parseListQuery(
      req.query,
      ListQuerySchema.extend({
        limit: ListQuerySchema.shape.limit.unwrap().max(BULK_LIMIT).default(BULK_LIMIT),
      }),
    );
    const page = await store.list(toRecordQuery(q));
    res
      .type('application/x-ndjson')
      .setHeader('content-disposition', 'attachment; filename="executions.jsonl"');
    for (const summary of page.records) {
      const record = await store.get(summary.execution_id).catch(() => null);
      if (record && !res.write(recordToJsonLine(withLink(record))))
        await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });

  router.get('/:id', async (req, res) => {
    res.json(withLink(await load(req.params.id)));
  });

  // Delete means gone: a running run's recording ends first (its later saves are dropped), then
  // the record and the media go; media of a run whose record is missing can still be deleted.
  router.delete('/:id', async (req, res) => {
    const id = checkId(req.params.id);
    await options.records.discard(id);
    const media = join(options.mediaDir, id);
    const hadMedia = await stat(media).then(
      () => true,
      () => false,
    );
    const hadRecord = await store.delete(id);
    await rm(media, { recursive: true, force: true });
    if (!hadRecord && !hadMedia) throw new HttpError(404, 'not_found', `no execution ${id}`);
    live.end(id, 'deleted');
    res.status(204).end();
  });

  router.get('/:id/export/:format', async (req, res) => {
    const record = withLink(await load(req.params.id));
    switch (req.params.format) {
      case 'json':
        res
          .type('application/json')
          .attachment(`${record.execution_id}.json`)
          .send(`${JSON.stringify(record, null, 2)}\n`);
        return;
      case 'xml':
        res
          .type('application/xml')
          .attachment(`${record.execution_id}.xml`)
          .send(recordToXml(record));
        return;
      case 'jsonl':
        res.type('application/x-ndjson').send(recordToJsonLine(record));
        return;
      default:
        throw new HttpError(
          400,
          'unsupported_format',
          `unsupported export format "${req.params.format}": use json, xml or jsonl`,
        );
    }
  });

  router.get('/:id/media/:file', async (req, res) => {
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
