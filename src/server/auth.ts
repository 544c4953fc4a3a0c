import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Requires `Authorization: Bearer <token>` when a token is configured; otherwise passes. */
export function bearerAuth(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const given = Buffer.from(/^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    next(new HttpError(401, 'unauthorized', 'a valid bearer token is required'));
  };
}
