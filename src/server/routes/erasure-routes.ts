import { Router, type RequestHandler } from 'express';
import { requires } from '../auth/access-guard.js';
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
  /** True when no token is configured: erasure is then refused (403), as it needs an admin token. */
  open?: boolean;
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
      options.open
        ? new HttpError(
            403,
            'erasure_needs_token',
            'erasure needs the admin role: configure an admin token (API_TOKEN or TOKENS_FILE) and send it as Authorization: Bearer <token>',
            { required_role: 'admin', allowed_roles: ['admin'] },
          )
        : undefined,
    );
  router.post('/api/erasure', requires('admin'), needsToken, async (req, res) => {
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
  router.get('/api/erasure/log', requires('admin'), needsToken, async (_req, res) => {
    res.json({ entries: await options.log.read() });
  });
  return router;
}
