import type { Request } from 'express';
import { z } from 'zod';
import { HttpError } from './http-error.js';

/**
 * The request's JSON body, validated by `schema` and kept parsed: 415 when it is not JSON, 400
 * with every issue (and `message`, when given, as the summary) when it does not fit.
 */
export function jsonBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  message?: string,
): z.infer<S> {
  if (!req.is('application/json'))
    throw new HttpError(415, 'unsupported_media_type', 'send the request body as application/json');
  const parsed = schema.safeParse(req.body);
  if (!parsed.success)
    throw new HttpError(
      400,
      'invalid_request',
      message ?? z.prettifyError(parsed.error),
      parsed.error.issues,
    );
  return parsed.data;
}
