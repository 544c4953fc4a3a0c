import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { EXECUTION_ID_RULE, isExecutionId } from '../../domain/execution-id.js';
import { AnnotationTargetSchema, type Annotation } from '../../domain/annotation.js';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import {
  createAnnotation,
  deleteAnnotation,
  sameJudgment,
  updateAnnotation,
} from '../../review/annotation-changes.js';
import {
  AnnotationRefusal,
  checkTarget,
  checkValue,
  MAX_ANNOTATION_TEXT,
  rubricItem,
} from '../../review/annotation-check.js';
import { blindView } from '../../review/review-queue.js';
import type { Rubrics } from '../../review/rubric.js';
import type { AnnotationStore } from '../../store/annotation-store.js';
import type { RecordStore } from '../../store/record-store.js';
import { accessContext, requires } from '../auth/access-guard.js';
import { HttpError } from '../http-error.js';
import { jsonBody } from '../request-body.js';
import { parseQuery } from './list-query.js';

/** Options of `annotationsRouter`. */
export interface AnnotationRouteOptions {
  store: RecordStore & AnnotationStore;
  rubrics: Rubrics;
  /** Default `() => new Date()`. */
  now?: () => Date;
}

const reviewerName = z.string().trim().min(1).max(128);
const note = z.string().max(MAX_ANNOTATION_TEXT).nullable().optional();

/** Body of `POST /api/executions/:id/annotations`. */
export const NewAnnotationSchema = z.strictObject({
  rubric: z.string().max(128),
  key: z.string().max(128),
  value: z.unknown(),
  target: z.unknown().optional(),
  note,
  /** Only on a server without tokens: who judges. */
  reviewer: reviewerName.optional(),
});

/** Body of `PUT …/annotations/:annotation_id`: a new value, a new note, or both. */
export const AnnotationChangeBodySchema = z.strictObject({
  value: z.unknown().optional(),
  note,
  reviewer: reviewerName.optional(),
});

const ListAnnotationsQuerySchema = z.object({
  include_deleted: z.enum(['true', 'false', '1', '0']).optional(),
  /** Blind mode: others' annotations on this rubric stay hidden until the caller judged the run on it. */
  blind: z.string().min(1).max(128).optional(),
  /** Only without tokens (blind mode): who asks. */
  reviewer: reviewerName.optional(),
});
const ReviewerQuerySchema = z.object({ reviewer: reviewerName.optional() });

/** The API error of an annotation that does not fit (400, `details.field` names the part). */
export function refusalToHttp(refusal: AnnotationRefusal): HttpError {
  return new HttpError(400, 'invalid_annotation', refusal.message, {
    field: refusal.field,
    ...(refusal.allowed ? { allowed: refusal.allowed } : {}),
  });
}

/**
 * Who acts: the token's (or session's) name; on a server without tokens the request's
 * `reviewer` (body, or query for DELETE). A `reviewer` beside a token must be the token's name.
 */
function reviewerOf(res: Response, given: string | undefined): string {
  const { principal } = accessContext(res);
  if (principal) {
    if (given !== undefined && given !== principal.name)
      throw new HttpError(
        400,
        'invalid_annotation',
        `the reviewer is the token's identity ("${principal.name}"): leave "reviewer" out`,
        { field: 'reviewer' },
      );
    return principal.name;
  }
  if (given === undefined)
    throw new HttpError(
      400,
      'invalid_annotation',
      'without tokens the request names its reviewer: send "reviewer"',
      { field: 'reviewer' },
    );
  return given;
}

function checkId(id: string | undefined): string {
  if (!isExecutionId(id)) throw new HttpError(400, 'invalid_execution_id', EXECUTION_ID_RULE);
  return id;
}

/** Runs `check`, turning an `AnnotationRefusal` into the API's 400. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof AnnotationRefusal) throw refusalToHttp(error);
    throw error;
  }
}

/** `POST`/`GET /api/executions/:id/annotations`, `PUT`/`DELETE …/:annotation_id` (author only, history kept). */
export function annotationsRouter(options: AnnotationRouteOptions): Router {
  const { store, rubrics } = options;
  const now = options.now ?? (() => new Date());
  const router = Router();
  const load = async (id: string): Promise<ExecutionRecord> => {
    const record = await store.get(id);
    if (!record) throw new HttpError(404, 'not_found', `no execution ${id}`, { execution_id: id });
    return record;
  };
  const find = async (req: Request<Record<string, string>>): Promise<Annotation> => {
    const id = checkId(req.params.id);
    const found = (await store.annotationsOf(id)).find(
      (a) => a.annotation_id === req.params.annotation_id && a.deleted_at === null,
    );
    if (!found)
      throw new HttpError(404, 'not_found', `no annotation ${req.params.annotation_id} on ${id}`);
    return found;
  };
  const ownedBy = (a: Annotation, reviewer: string) => {
    if (a.reviewer !== reviewer)
      throw new HttpError(403, 'not_author', 'only its author may change or delete an annotation', {
        author: a.reviewer,
      });
  };
  const save = async (a: Annotation) => {
    if (!(await store.putAnnotation(a)))
      throw new HttpError(404, 'not_found', `no execution ${a.execution_id}`);
  };

  router.get('/api/executions/:id/annotations', requires('viewer'), async (req, res) => {
    const q = parseQuery(req.query, ListAnnotationsQuerySchema);
    const id = checkId(req.params.id);
    const all = ['true', '1'].includes(q.include_deleted ?? '');
    let annotations = await store.annotationsOf(id);
    if (annotations.length === 0) await load(id);
    if (q.blind !== undefined)
      annotations = blindView(annotations, q.blind, reviewerOf(res, q.reviewer));
    res.json({ annotations: all ? annotations : annotations.filter((a) => a.deleted_at === null) });
  });

  router.post('/api/executions/:id/annotations', requires('reviewer'), async (req, res) => {
    const id = checkId(req.params.id);
    const body = jsonBody(req, NewAnnotationSchema);
    const reviewer = reviewerOf(res, body.reviewer);
    const record = await load(id);
    const [rubric, item, value, target] = checked(() => {
      const [r, i] = rubricItem(rubrics, body.rubric, body.key);
      const shape = AnnotationTargetSchema.nullable().optional().safeParse(body.target);
      if (!shape.success)
        throw new AnnotationRefusal(
          'target',
          'target is {"sequence_number": n} or {"loop_iteration": n}',
        );
      return [r, i, checkValue(i, body.value), checkTarget(i, record, shape.data)] as const;
    });
    const existing = (await store.annotationsOf(id)).find((a) =>
      sameJudgment(a, rubric.id, item.key, target, reviewer),
    );
    if (existing)
      throw new HttpError(
        409,
        'already_annotated',
        `${reviewer} already judged this: change annotation ${existing.annotation_id} with PUT`,
        { annotation_id: existing.annotation_id },
      );
    const annotation = createAnnotation(
      { executionId: id, rubric, item, target, value, note: body.note ?? null, reviewer },
      now(),
    );
    await save(annotation);
    res.status(201).json(annotation);
  });

  router.put(
    '/api/executions/:id/annotations/:annotation_id',
    requires('reviewer'),
    async (req, res) => {
      const body = jsonBody(req, AnnotationChangeBodySchema);
      const reviewer = reviewerOf(res, body.reviewer);
      const old = await find(req);
      ownedBy(old, reviewer);
      if (body.value === undefined && body.note === undefined)
        throw new HttpError(400, 'invalid_annotation', 'send a new "value", "note" or both', {
          field: 'value',
        });
      const [rubric, value] = checked(() => {
        const [r, i] = rubricItem(rubrics, old.rubric, old.key);
        return [r, body.value === undefined ? old.value : checkValue(i, body.value)] as const;
      });
      const changed = updateAnnotation(
        old,
        {
          value,
          note: body.note === undefined ? old.note : body.note,
          rubricVersion: rubric.version,
        },
        reviewer,
        now(),
      );
      await save(changed);
      res.json(changed);
    },
  );

  router.delete(
    '/api/executions/:id/annotations/:annotation_id',
    requires('reviewer'),
    async (req, res) => {
      const q = parseQuery(req.query, ReviewerQuerySchema);
      const reviewer = reviewerOf(res, q.reviewer);
      const old = await find(req);
      ownedBy(old, reviewer);
      await save(deleteAnnotation(old, reviewer, now()));
      res.status(204).end();
    },
  );
  return router;
}
