import { Router } from 'express';
import { requires } from '../auth/access-guard.js';
import type { Logger } from 'pino';
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXECUTION_ID_RULE, isExecutionId } from '../../domain/execution-id.js';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { COMPAT_VERSION, toCompatRecord } from '../../research/compat-record.js';
import type { RecordStore } from '../../store/record-store.js';
import type { RecordPath } from '../record-path.js';
import { HttpError } from '../http-error.js';
import { mediaHeaders } from '../media-headers.js';
import type { PerClientLimit } from '../per-client-limit.js';
import { legacyErrorHandler, legacyStats, legacySummary } from '../legacy-runs.js';
import type { LiveItems } from '../live/live-items.js';
import { streamRun } from '../live/sse-pump.js';
import { stepsOfRecord } from '../../pipeline/run-plan.js';
import type { InterceptionConfig } from '../../pipeline/catalog-schemas.js';
import { addExportRoutes } from './export-routes.js';
import { addThumbnailRoute } from './thumbnail-routes.js';
import type { Rubrics } from '../../review/rubric.js';
import { givenFilters, toRecordQuery } from '../../query/list-filters.js';
import { LegacyListQuerySchema, ListQuerySchema } from '../../query/list-queries.js';
import { NoQuerySchema, parseQuery, RecordQuerySchema, StreamQuerySchema } from './list-query.js';

/** Options of `executionsRouter`. */
export interface ExecutionsRouteOptions {
  store: RecordStore;
  live: LiveItems;
  records: RecordPath;
  mediaDir: string;
  traceUrl: (traceId: string) => string | null;
  /** Interception configs, for the expected steps of replayed runs; default none. */
  configs?: ReadonlyMap<string, InterceptionConfig>;
  /** Stream heartbeat interval; default 15,000 ms. */
  heartbeatMillis?: number;
  /**
   * `current` (default): this API's shapes. `legacy`: the earlier server's shapes for
   * `/api/runs` (list entries, stats keys, error bodies, records in the taxonomy-1.0 shape).
   */
  flavor?: 'current' | 'legacy';
  /** Logs server faults of the legacy mount (the current one uses the app's error handler). */
  logger?: Logger;
  /** Where research bundles keep intermediate files; default the OS temp directory. */
  scratchDir?: string;
  /** The rubrics, for the codebook of research bundles; default none. */
  rubrics?: Rubrics;
  /** Live streams per client (remote address), shared by every mount; none: unbounded. */
  streamLimit?: PerClientLimit;
}

/** `Retry-After` of a refused live stream, in seconds. */
const STREAM_RETRY_AFTER_SECONDS = 5;

const MEDIA_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function checkId(id: string | undefined): string {
  if (!isExecutionId(id)) throw new HttpError(400, 'invalid_execution_id', EXECUTION_ID_RULE);
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

  router.get('/', requires('viewer'), async (req, res) => {
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

  router.get('/stats', requires('viewer'), async (req, res) => {
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
    mediaDir: options.mediaDir,
    rubrics: options.rubrics,
  });

  router.get('/:id', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, RecordQuerySchema);
    const record = await load(req.params.id);
    res.json(legacy || q.compat === COMPAT_VERSION ? toCompatRecord(record) : withLink(record));
  });

  // Delete means gone: a running run's recording ends first (its later saves are dropped), then
  // the record and the media go; media of a run whose record is missing can still be deleted.
  router.delete('/:id', requires('admin'), async (req, res) => {
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

  router.get('/:id/media/:file', requires('viewer'), async (req, res) => {
    parseQuery(req.query, NoQuerySchema);
    const id = checkId(req.params.id);
    if (!MEDIA_FILE.test(req.params.file))
      throw new HttpError(400, 'invalid_file_name', 'invalid media file name');
    const path = resolve(options.mediaDir, id, req.params.file);
    await new Promise<void>((ok, fail) =>
      res.sendFile(path, { dotfiles: 'deny', headers: mediaHeaders(req.params.file) }, (error) =>
        error ? fail(new HttpError(404, 'not_found', 'no such media file')) : ok(),
      ),
    );
  });

  addThumbnailRoute(router, { load, mediaDir: options.mediaDir });

  router.get('/:id/stream', requires('viewer'), async (req, res) => {
    parseQuery(req.query, StreamQuerySchema);
    const id = checkId(req.params.id);
    const limit = options.streamLimit;
    const release = limit?.acquire(req.socket.remoteAddress ?? 'unknown');
    if (limit && !release) {
      res.set('retry-after', String(STREAM_RETRY_AFTER_SECONDS));
      throw new HttpError(
        429,
        'too_many_streams',
        `this client already holds ${limit.max} live streams, the most one client may: close one and try again`,
        { max_streams_per_client: limit.max },
      );
    }
    try {
      await streamRun(
        req,
        res,
        id,
        {
          live,
          load,
          stepsOf: (r) => stepsOfRecord(options.configs ?? new Map(), r),
          watch: store.watch?.bind(store),
        },
        { heartbeatMillis: options.heartbeatMillis },
      );
    } finally {
      release?.();
    }
  });

  if (legacy) router.use(legacyErrorHandler(options.logger));
  return router;
}
