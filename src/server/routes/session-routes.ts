import { Router } from 'express';
import { issueSessionValue, SESSION_MAX_AGE_SECONDS, sessionCookie } from '../session-cookie.js';

/**
 * `POST /api/session` (behind bearer auth) sets the session cookie for media and streams;
 * `DELETE /api/session` clears it. Without a token both answer 204 and set nothing.
 */
export function sessionRouter(token: string | undefined): Router {
  const router = Router();
  router.post('/api/session', (req, res) => {
    if (token)
      res.set(
        'set-cookie',
        sessionCookie(issueSessionValue(token), SESSION_MAX_AGE_SECONDS, req.secure),
      );
    res.status(204).end();
  });
  router.delete('/api/session', (req, res) => {
    if (token) res.set('set-cookie', sessionCookie('', 0, req.secure));
    res.status(204).end();
  });
  return router;
}
