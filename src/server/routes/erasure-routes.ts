import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { eraseSubject } from '../../lifecycle/erase-subject.js';
import type { ErasureLog } from '../../lifecycle/erasure-log.js';
import type { RecordStore } from '../../store/record-store.js';
import { HttpError } from '../http-error.js';
import type { RecordPath } from '../record-path.js';
import { jsonBody } from '../request-body.js';

/** Options of `erasureRouter`. */
export interface ErasureRouteOptions {
  store: RecordStore;
  mediaDir: string;
  log: ErasureLog;
  /** Ends the recording of a run still going before it is erased. */
  discard?: (executionId: string) => Promise<void>;
  /** The subject's runs not in the store yet (open or held for retry); default none. */
  pendingIds?: RecordPath['pendingIds'];
  /** Erasure is refused (403) when no token is configured; the token itself is checked by `bearerAuth`. */
  apiToken?: string;
}

const id = z.string().min(1).max(128);

/** Body of `POST /api/erasure`: exactly one of `user_id` or `session_id`. */
export const ErasureRequestSchema = z.union([
  z.strictObject({ user_id: id }),
  z.strictObject({ session_id: id }),
]);

/** `POST /api/erasure` erases a user's or a session's records and media; `GET /api/erasure/log` reads the log. */
export function erasureRouter(options: ErasureRouteOptions): Router {
  const router = Router();
  const needsToken: RequestHandler = (_req, _res, next) =>
    next(
      options.apiToken
        ? undefined
        : new HttpError(
            403,
            'erasure_needs_token',
            'erasure is only available when the server is configured with API_TOKEN',
          ),
    );
  router.post('/api/erasure', needsToken, async (req, res) => {
    const body = jsonBody(
      req,
      ErasureRequestSchema,
      'send exactly one of {"user_id": "..."} or {"session_id": "..."}',
    );
    const subject = 'user_id' in body ? { userId: body.user_id } : { sessionId: body.session_id };
    const entry = await eraseSubject(options.store, subject, {
      mediaDir: options.mediaDir,
      log: options.log,
      source: 'api',
      discard: options.discard,
      pendingIds: options.pendingIds,
    });
    res.json({ erased: entry });
  });
  router.get('/api/erasure/log', needsToken, async (_req, res) => {
    res.json({ entries: await options.log.read() });
  });
  return router;
}
