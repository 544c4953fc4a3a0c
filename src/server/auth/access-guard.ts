import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http-error.js';
import { decideAccess, type AccessContext, type Refusal } from './access-decision.js';
import type { Access } from './roles.js';

/**
 * A route's access check; `access` says what it needs (read by the route table's test).
 * NOTE: typed for string route parameters (it reads none), so the handler after it sees
 * `req.params` as strings, as the paths of this API declare them (no wildcards).
 */
export type AccessGuard = RequestHandler<Record<string, string>> & { readonly access: Access };

/** Options of `requires`. */
export interface RequiresOptions {
  /** How the caller is known; default what `authenticate` left on `res.locals`. */
  context?: (req: Request, res: Response) => AccessContext;
  /** How a refusal is answered; default the API's error body (401/403). */
  refuse?: (req: Request, res: Response, refusal: Refusal) => void;
}

const ACCESS = Symbol('access context');

/** Records the caller of a request (done once by `authenticate`). */
export function setAccessContext(res: Response, ctx: AccessContext): void {
  (res.locals as Record<symbol, AccessContext>)[ACCESS] = ctx;
}

/** The caller of a request; without `authenticate` in front: nobody, on a closed server. */
export function accessContext(res: Response): AccessContext {
  return (
    (res.locals as Record<symbol, AccessContext | undefined>)[ACCESS] ?? {
      principal: null,
      open: false,
    }
  );
}

/** The API error of a refusal (the one error body shape, `details.required_role`). */
export function refusalError(refusal: Refusal): HttpError {
  return new HttpError(refusal.status, refusal.code, refusal.message, refusal.details);
}

/** A guard that lets a request through only when its caller's role allows `access`. */
export function requires(access: Access, options: RequiresOptions = {}): AccessGuard {
  const guard = (req: Request<Record<string, string>>, res: Response, next: NextFunction): void => {
    const context = options.context ?? ((_req, r) => accessContext(r));
    const refusal = decideAccess(context(req, res), access);
    if (!refusal) return next();
    if (options.refuse) return options.refuse(req, res, refusal);
    if (refusal.status === 401) res.set('www-authenticate', 'Bearer realm="execution-history"');
    next(refusalError(refusal));
  };
  return Object.assign(guard, { access });
}
