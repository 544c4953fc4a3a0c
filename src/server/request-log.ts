import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import { accessContext } from './auth/access-guard.js';

/**
 * One structured log line per request: method, full path (no query), status, time; a request
 * whose connection closed before the answer was finished is logged as `request aborted`; the
 * caller's token name and role when known (who deleted what). Never a body, a query, a prompt
 * or a token.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const path = req.originalUrl.split('?')[0];
    const fields = () => ({
      method: req.method,
      path,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
      execution_id: res.locals.executionId,
      token: accessContext(res).principal?.name,
      role: accessContext(res).principal?.role,
    });
    res.once('close', () => {
      if (res.writableFinished) logger.info(fields(), 'request');
      else logger.warn({ ...fields(), aborted: true }, 'request aborted');
    });
    next();
  };
}
