import type { Request, Response, Router } from 'express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { zipOutput } from '../../research/bundle-outputs.js';
import { csvHeader, csvLine } from '../../research/csv.js';
import { RUNS_TABLE } from '../../research/run-columns.js';
import { omitMetadataText } from '../../research/record-preparation.js';
import { COMPAT_VERSION, toCompatRecord } from '../../research/compat-record.js';
import { studyKeyProblem } from '../../domain/study-pseudonym.js';
import { jsonLine, jsonLines, type ExportCounts } from '../../research/json-lines.js';
import { qdaXmlDocument, recordToQdaXml } from '../../research/qda-xml.js';
import { countMatching, recordEntries } from '../../research/record-entries.js';
import { writeBundle } from '../../research/research-bundle.js';
import { writeQdpx } from '../../research/refi-qda-project.js';
import { hasAnnotations } from '../../store/annotation-store.js';
import type { Rubrics } from '../../review/rubric.js';
import type { RecordStore } from '../../store/record-store.js';
import { requires } from '../auth/access-guard.js';
import { HttpError } from '../http-error.js';
import {
  declareCountTrailers,
  endWithCounts,
  responseSink,
  streamChunks,
} from '../streaming-response.js';
import { toRecordQuery } from '../../query/list-filters.js';
import {
  BulkQuerySchema,
  BundleQuerySchema,
  manifestFilters,
  QdpxQuerySchema,
} from '../../query/list-queries.js';
import { parseQuery, RecordQuerySchema } from './list-query.js';

/** What the export routes need. */
export interface ExportRouteOptions {
  store: RecordStore;
  /** Reads one record (404/400 as HTTP errors). */
  load: (id: string | undefined) => Promise<ExecutionRecord>;
  /** The record with its `trace_url` filled in. */
  withLink: (record: ExecutionRecord) => ExecutionRecord;
  /** Shape of a single record when no `compat` is asked for: `full` (default) or `compat`. */
  defaultShape: 'full' | 'compat';
  /** Where bundles keep intermediate files; default the OS temp directory. */
  scratchDir?: string;
  /** Where runs' media are (`<mediaDir>/<execution_id>/`), for bundles with `media=1`. */
  mediaDir: string;
  /** The rubrics, for the bundle's codebook; default none. */
  rubrics?: Rubrics;
}

const STUDY_KEY_HEADER = 'x-study-key';

function studyKey(req: Request): string | undefined {
  const key = req.get(STUDY_KEY_HEADER);
  if (key === undefined) return undefined;
  const problem = studyKeyProblem(key, `the ${STUDY_KEY_HEADER} header`);
  if (problem) throw new HttpError(400, 'invalid_study_key', problem);
  return key;
}

function attach(res: Response, type: string, name: string): void {
  res.type(type).setHeader('content-disposition', `attachment; filename="${name}"`);
}

/**
 * The export routes: bulk JSONL, CSV (the runs table) and XML of a filtered list, the research bundle (ZIP), and the
 * single-record exports. Every format is a function of src/research/; these only stream it.
 */
export function addExportRoutes(router: Router, options: ExportRouteOptions): void {
  const { store } = options;
  const shape = (record: ExecutionRecord, compat: boolean) =>
    compat ? toCompatRecord(record) : options.withLink(record);

  router.get('/export/jsonl', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, BulkQuerySchema);
    const query = toRecordQuery(q);
    const matching = await countMatching(store, query);
    attach(res, 'application/x-ndjson', 'executions.jsonl');
    declareCountTrailers(res, matching);
    const counts: ExportCounts = { records: 0, errors: 0 };
    const lines = jsonLines(
      recordEntries(store, query),
      (r) => shape(r, Boolean(q.compat)),
      counts,
    );
    if (await streamChunks(res, lines)) endWithCounts(res, counts);
  });

  // The runs table of the research bundle (`runs.csv`, the same bytes, `omit_text` too).
  router.get('/export/csv', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, BundleQuerySchema);
    const omit = Boolean(q.omit_text);
    const query = toRecordQuery(q);
    const matching = await countMatching(store, query);
    attach(res, 'text/csv; charset=utf-8', 'runs.csv');
    declareCountTrailers(res, matching);
    const counts: ExportCounts = { records: 0, errors: 0 };
    const columns = RUNS_TABLE.columns as never;
    const rows = async function* () {
      yield csvHeader(columns);
      for await (const entry of recordEntries(store, query)) {
        if (entry.kind === 'error') counts.errors += 1;
        else {
          counts.records += 1;
          const record = omit ? omitMetadataText(entry.record) : entry.record;
          const cells = RUNS_TABLE.columns.map((c) => (omit && c.freeText ? null : c.get(record)));
          yield csvLine(cells, columns);
        }
      }
    };
    if (await streamChunks(res, rows())) endWithCounts(res, counts);
  });

  router.get('/export/xml', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, BulkQuerySchema.omit({ compat: true }));
    const query = toRecordQuery(q);
    const matching = await countMatching(store, query);
    attach(res, 'application/xml', 'executions.xml');
    declareCountTrailers(res, matching);
    const counts: ExportCounts = { records: 0, errors: 0 };
    const doc = qdaXmlDocument(recordEntries(store, query), counts);
    if (await streamChunks(res, doc)) endWithCounts(res, counts);
  });

  router.get('/export/bundle', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, BundleQuerySchema);
    const key = studyKey(req);
    const query = toRecordQuery(q);
    const [matching, stats] = await Promise.all([countMatching(store, query), store.stats()]);
    const scratch = await mkdtemp(join(options.scratchDir ?? tmpdir(), 'research-bundle-'));
    try {
      attach(res, 'application/zip', 'research-bundle.zip');
      declareCountTrailers(res, matching);
      const zip = zipOutput(responseSink(res));
      const manifest = await writeBundle(recordEntries(store, query), zip, {
        scratchDir: scratch,
        filters: manifestFilters(q),
        matching,
        storeUnreadableFiles: stats.unreadable,
        studyKey: key,
        omitText: q.omit_text,
        annotationsOf: hasAnnotations(store) ? (id) => store.annotationsOf(id) : undefined,
        rubrics: [...(options.rubrics?.values() ?? [])],
        itemsXlsx: q.items_xlsx ?? false,
        ...(q.media ? { media: { dir: options.mediaDir } } : {}),
      });
      await zip.finish();
      endWithCounts(res, manifest.counts);
    } catch (error) {
      if (!res.headersSent) throw error;
      res.destroy(); // a truncated ZIP must not look complete
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  router.get('/export/qdpx', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, QdpxQuerySchema);
    const key = studyKey(req);
    const query = toRecordQuery(q);
    const matching = await countMatching(store, query);
    const scratch = await mkdtemp(join(options.scratchDir ?? tmpdir(), 'refi-qda-'));
    try {
      attach(res, 'application/zip', 'project.qdpx');
      declareCountTrailers(res, matching);
      const zip = zipOutput(responseSink(res));
      const counts = await writeQdpx(recordEntries(store, query), zip, {
        scratchDir: scratch,
        mediaDir: options.mediaDir,
        studyKey: key,
        annotationsOf: hasAnnotations(store) ? (id) => store.annotationsOf(id) : undefined,
        rubrics: [...(options.rubrics?.values() ?? [])],
      });
      await zip.finish();
      endWithCounts(res, counts);
    } catch (error) {
      if (!res.headersSent) throw error;
      res.destroy(); // a truncated project must not look complete
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  router.get('/:id/export/:format', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, RecordQuerySchema);
    const record = await options.load(req.params.id);
    const compat = q.compat === COMPAT_VERSION || options.defaultShape === 'compat';
    const id = record.execution_id;
    switch (req.params.format) {
      case 'json':
        attach(res, 'application/json', `${id}.json`);
        res.send(`${JSON.stringify(shape(record, compat), null, 2)}\n`);
        return;
      case 'jsonl':
        res.type('application/x-ndjson').send(jsonLine(shape(record, compat)));
        return;
      case 'xml':
        if (q.compat)
          throw new HttpError(400, 'invalid_query', 'compat applies to the json and jsonl exports');
        attach(res, 'application/xml', `${id}.xml`);
        res.send(recordToQdaXml(options.withLink(record)));
        return;
      default:
        throw new HttpError(
          400,
          'unsupported_format',
          `unsupported export format "${req.params.format}": use json, xml or jsonl`,
          { format: req.params.format },
        );
    }
  });
}
