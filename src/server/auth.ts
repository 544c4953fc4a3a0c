import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** True when the request carries `Authorization: Bearer <token>`; compared in constant time. */
export function hasBearerToken(req: Request, token: string): boolean {
  const expected = Buffer.from(token);
  const given = Buffer.from(/^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Requires `Authorization: Bearer <token>` when a token is configured; otherwise passes. */
export function bearerAuth(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  return (req, _res, next) => {
    if (hasBearerToken(req, token)) return next();
    next(new HttpError(401, 'unauthorized', 'a valid bearer token is required'));
  };
}
