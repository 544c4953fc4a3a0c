import { Router } from 'express';
import { z } from 'zod';
import { matchingIds } from '../../lifecycle/delete-matching.js';
import { agreementReport, metricOf } from '../../review/agreement-report.js';
import { AnnotationRefusal, rubricItem } from '../../review/annotation-check.js';
import type { Rubrics } from '../../review/rubric.js';
import type { AnnotationStore } from '../../store/annotation-store.js';
import type { RecordStore } from '../../store/record-store.js';
import { queueProgress, queueState } from '../../review/review-queue.js';
import { accessContext, requires } from '../auth/access-guard.js';
import { HttpError } from '../http-error.js';
import { givenFilters, ListFiltersSchema, toRecordQuery } from '../../query/list-filters.js';
import { NoQuerySchema, parseQuery } from './list-query.js';
import { refusalToHttp } from './annotation-routes.js';

/** Options of `reviewRouter`. */
export interface ReviewRouteOptions {
  store: RecordStore & AnnotationStore;
  rubrics: Rubrics;
}

/** Query of `GET /api/annotations/agreement`: the rubric item, optionally a version, and the list filters. */
export const AgreementQuerySchema = ListFiltersSchema.extend({
  rubric: z.string().min(1).max(128),
  key: z.string().min(1).max(128),
  rubric_version: z.string().min(1).max(64).optional(),
});

/** Query of `GET /api/review/queue`: the rubric, reviewers wanted per run, the list filters. */
export const QueueQuerySchema = ListFiltersSchema.extend({
  rubric: z.string().min(1).max(128),
  reviewers_per_run: z.coerce.number().int().min(1).max(50).default(2),
  /** Only without tokens: whose queue. */
  reviewer: z.string().trim().min(1).max(128).optional(),
});

/** Query of `GET /api/review/progress`: the rubric, reviewers wanted per run, the list filters. */
export const ProgressQuerySchema = QueueQuerySchema.omit({ reviewer: true });

/**
 * `GET /api/rubrics`, `GET /api/annotations/agreement`, a reviewer's `GET /api/review/queue`
 * and every reviewer's `GET /api/review/progress`.
 */
export function reviewRouter(options: ReviewRouteOptions): Router {
  const { store, rubrics } = options;
  const router = Router();
  const knownRubric = (id: string) => {
    if (!rubrics.has(id))
      throw refusalToHttp(
        new AnnotationRefusal('rubric', `no rubric "${id}"`, [...rubrics.keys()]),
      );
  };

  router.get('/api/rubrics', requires('viewer'), (req, res) => {
    parseQuery(req.query, NoQuerySchema);
    res.json({ rubrics: [...rubrics.values()] });
  });

  router.get('/api/annotations/agreement', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, AgreementQuerySchema);
    const [rubric, item] = (() => {
      try {
        return rubricItem(rubrics, q.rubric, q.key);
      } catch (error) {
        throw error instanceof AnnotationRefusal ? refusalToHttp(error) : error;
      }
    })();
    const metric = metricOf(item);
    if (!metric)
      throw refusalToHttp(
        new AnnotationRefusal('key', `"${item.key}" is a text item: it has no agreement figure`),
      );
    const filters = givenFilters(q);
    let annotations = await store.findAnnotations({ rubric: rubric.id, key: item.key });
    if (q.rubric_version !== undefined)
      annotations = annotations.filter((a) => a.rubric_version === q.rubric_version);
    if (Object.keys(filters).length > 0) {
      const ids = new Set(await matchingIds(store, toRecordQuery(q)));
      annotations = annotations.filter((a) => ids.has(a.execution_id));
    }
    const live = annotations.filter((a) => a.deleted_at === null);
    res.json({
      rubric: rubric.id,
      key: item.key,
      type: item.type,
      rubric_versions: [...new Set(live.map((a) => a.rubric_version))].sort(),
      filters,
      ...agreementReport(annotations, item, metric),
    });
  });
  router.get('/api/review/queue', requires('reviewer'), async (req, res) => {
    const q = parseQuery(req.query, QueueQuerySchema);
    const reviewer = accessContext(res).principal?.name ?? q.reviewer;
    if (reviewer === undefined)
      throw new HttpError(
        400,
        'invalid_query',
        'without tokens the request names its reviewer: send ?reviewer=',
        {
          field: 'reviewer',
        },
      );
    knownRubric(q.rubric);
    const runIds = await matchingIds(store, toRecordQuery(q));
    const annotations = await store.findAnnotations({ rubric: q.rubric });
    res.json({
      rubric: q.rubric,
      reviewers_per_run: q.reviewers_per_run,
      reviewer,
      filters: givenFilters(q),
      ...queueState(
        runIds,
        annotations,
        { rubric: q.rubric, reviewersPerRun: q.reviewers_per_run },
        reviewer,
      ),
    });
  });
  router.get('/api/review/progress', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, ProgressQuerySchema);
    knownRubric(q.rubric);
    const runIds = await matchingIds(store, toRecordQuery(q));
    const annotations = await store.findAnnotations({ rubric: q.rubric });
    res.json({
      rubric: q.rubric,
      reviewers_per_run: q.reviewers_per_run,
      filters: givenFilters(q),
      ...queueProgress(runIds, annotations, {
        rubric: q.rubric,
        reviewersPerRun: q.reviewers_per_run,
      }),
    });
  });
  return router;
}
