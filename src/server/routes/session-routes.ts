import { Router } from 'express';
import { accessContext, requires } from '../auth/access-guard.js';
import { sessionIdOf } from '../auth/authenticate.js';
import { sessionCookie } from '../auth/session-cookie.js';
import type { SessionStore } from '../auth/session-store.js';
import { HttpError } from '../http-error.js';

/**
 * The browser session: `POST /api/session` with `Authorization: Bearer <token>` opens one (an
 * HttpOnly, SameSite=Strict cookie holding a random id; the server keeps its role and expiry),
 * `GET /api/session` says who is signed in, `DELETE /api/session` signs out. On an open server
 * (no tokens) there is nothing to sign in to: POST and DELETE answer 204 and set nothing.
 */
export function sessionRouter(sessions: SessionStore): Router {
  const router = Router();
  // Signing in needs a viewer, reviewer or admin token shown as a bearer token (not a session).
  router.post('/api/session', requires('viewer'), (req, res) => {
    const { principal, open } = accessContext(res);
    if (open) return void res.status(204).end();
    if (!principal || principal.via !== 'bearer')
      throw new HttpError(
        401,
        'unauthorized',
        'signing in needs Authorization: Bearer <token> with a viewer, reviewer or admin token',
        { required_role: 'viewer', allowed_roles: ['viewer', 'reviewer', 'admin'] },
      );
    const { id, session } = sessions.open(principal);
    res.set('set-cookie', sessionCookie(id, sessions.maxAgeSeconds, req.secure));
    res.json({
      role: session.role,
      name: session.name,
      expires_at: new Date(session.expiresAtMillis).toISOString(),
    });
  });
  router.get('/api/session', requires('public'), (_req, res) => {
    const { principal, open } = accessContext(res);
    res.json({
      open,
      signed_in: principal !== null,
      role: principal?.role ?? null,
      name: principal?.name ?? null,
      via: principal?.via ?? null,
    });
  });
  router.delete('/api/session', requires('public'), (req, res) => {
    const id = sessionIdOf(req);
    sessions.close(id);
    if (id !== undefined || !accessContext(res).open)
      res.set('set-cookie', sessionCookie('', 0, req.secure));
    res.status(204).end();
  });
  return router;
}
