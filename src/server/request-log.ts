import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';

/** One structured log line per request: method, path, status, time; never a body or prompt. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          execution_id: res.locals.executionId,
        },
        'request',
      );
    });
    next();
  };
}
