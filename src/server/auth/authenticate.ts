import type { Request, RequestHandler } from 'express';
import { HttpError } from '../http-error.js';
import { setAccessContext } from './access-guard.js';
import type { Principal } from './principal.js';
import { readCookie, SESSION_COOKIE } from './session-cookie.js';
import type { SessionStore } from './session-store.js';
import type { TokenCheck } from './token-check.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a write comes from this server's own pages: `Sec-Fetch-Site: same-origin`, or else
 * an `Origin` whose host is the request's `Host`. A request with neither is not trusted.
 */
export function isSameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin || origin === 'null') return false;
  try {
    return new URL(origin).host.toLowerCase() === (req.get('host') ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** The session cookie's id of a request, if any. */
export function sessionIdOf(req: Request): string | undefined {
  return readCookie(req.get('cookie'), SESSION_COOKIE);
}

/**
 * Finds who a request acts for and leaves it for the routes' guards (`requires`): a bearer
 * token first, else the session cookie. A write (not GET/HEAD/OPTIONS) made with the cookie
 * must come from this origin (SameSite=Strict already keeps other sites' requests from carrying
 * it); otherwise it is refused with 403 `cross_site_request`.
 */
export function authenticate(tokens: TokenCheck, sessions: SessionStore): RequestHandler {
  return (req, res, next) => {
    let principal: Principal | null = null;
    const shown = req.get('authorization') !== undefined;
    if (shown) {
      principal = tokens.fromAuthorization(req.get('authorization'));
    } else {
      const session = sessions.get(sessionIdOf(req));
      if (session) {
        if (!SAFE_METHODS.has(req.method) && !isSameOrigin(req))
          return next(
            new HttpError(
              403,
              'cross_site_request',
              'a write with the session cookie must come from this server’s own pages (Origin or Sec-Fetch-Site); other clients send Authorization: Bearer <token>',
            ),
          );
        principal = { role: session.role, name: session.name, via: 'session' };
      }
    }
    setAccessContext(res, {
      principal,
      open: tokens.open,
      unknownToken: shown && !principal && !tokens.open,
    });
    next();
  };
}
