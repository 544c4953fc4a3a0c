import { UnknownConfigError } from '../pipeline/pipeline-runner.js';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RecordFormatError } from '../domain/record-codec.js';
import { InvalidExecutionIdError } from '../store/record-store.js';
import { HttpError, type ErrorBody } from './http-error.js';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  charset?: string;
}

/** Maps any error to the API's error body; a 500 only for the server's own faults. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const http = toHttpError(error);
    if (http.status >= 500)
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ErrorBody = {
      error: {
        code: http.code,
        message: http.message,
        ...(http.details === undefined ? {} : { details: http.details }),
      },
    };
    res.status(http.status).json(body);
  };
}

/** The API error an error stands for (a 500 for anything unexpected). */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof UnknownConfigError)
    return new HttpError(404, 'unknown_config', error.message);
  if (error instanceof InvalidExecutionIdError)
    return new HttpError(400, 'invalid_execution_id', error.message);
  if (error instanceof RecordFormatError) {
    // The stored file is damaged: the server's fault, said plainly (and logged).
    return new HttpError(500, 'record_unreadable', error.message);
  }
  if (error instanceof z.ZodError)
    return new HttpError(400, 'invalid_request', z.prettifyError(error), error.issues);
  const bp = error as BodyParserError;
  switch (bp?.type) {
    case 'entity.too.large':
      return new HttpError(413, 'body_too_large', `request body larger than ${bp.limit} bytes`);
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', 'request body is not valid JSON');
    case 'charset.unsupported':
      return new HttpError(
        415,
        'unsupported_charset',
        `unsupported charset "${bp.charset}"; send UTF-8`,
      );
    case 'encoding.unsupported':
      return new HttpError(415, 'unsupported_encoding', 'unsupported content encoding');
    case 'request.aborted':
      return new HttpError(400, 'request_aborted', 'request aborted');
    default:
      if (typeof bp?.status === 'number' && bp.status >= 400 && bp.status < 500) {
        return new HttpError(bp.status, 'bad_request', (error as Error).message);
      }
      return new HttpError(500, 'internal_error', 'internal error');
  }
}

/** 404 for every route the API does not have. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};
