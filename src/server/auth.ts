import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './http-error.js';
import { readCookie, SESSION_COOKIE, verifySessionValue } from './session-cookie.js';

/** True when an `Authorization` value is `Bearer <token>`; compared in constant time. */
export function isBearerToken(authorization: string | undefined, token: string): boolean {
  const expected = Buffer.from(token);
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when the request carries `Authorization: Bearer <token>`. */
export function hasBearerToken(req: Request, token: string): boolean {
  return isBearerToken(req.get('authorization'), token);
}

/** Reads a browser may make with the session cookie instead of the bearer token. */
const COOKIE_READS = /^\/(?:executions|runs)\/[^/]+\/(?:stream|media\/[^/]+)$/;

/**
 * Requires `Authorization: Bearer <token>` when a token is configured; otherwise passes.
 * `GET` of a run's media and stream also passes with a valid session cookie (see
 * `session-cookie.ts`), so a browser needs no token in URLs.
 */
export function bearerAuth(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  return (req, _res, next) => {
    if (hasBearerToken(req, token)) return next();
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      COOKIE_READS.test(req.path) &&
      verifySessionValue(token, readCookie(req.get('cookie'), SESSION_COOKIE))
    )
      return next();
    next(new HttpError(401, 'unauthorized', 'a valid bearer token is required'));
  };
}
