import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { encodingOf, sendExportResponse, sendStatus } from './otlp-answer.js';
import { OtlpDecodeError } from '../../ingest/otlp-decode.js';
import type { OtlpIngest } from './otlp-ingest.js';
import {
  OtlpRequestError,
  readOtlpBody,
  RPC_INVALID_ARGUMENT,
  RPC_RESOURCE_EXHAUSTED,
  RPC_UNAUTHENTICATED,
  RPC_UNAVAILABLE,
} from './read-otlp-body.js';
import { requires } from '../auth/access-guard.js';
import { tokenCheckFrom, type TokenCheck } from '../auth/token-check.js';

/** Options of `otlpRouter`. */
export interface OtlpRouterOptions {
  ingest: OtlpIngest;
  /** The server's tokens: an export needs one with the ingest (or admin) role; default `apiToken`'s. */
  tokens?: TokenCheck;
  /** A single admin token (`API_TOKEN`), when `tokens` is not given; neither: open. */
  apiToken?: string;
  /** Largest body accepted, after gunzip; default 4 MiB. */
  maxBodyBytes?: number;
  /** `Retry-After` of a 503 while records cannot be saved; default 5 s. */
  retryAfterSeconds?: number;
  /** Where an unexpected failure (a 500) is logged, by error type only; default: not logged. */
  logger?: Logger;
}

const RPC_INTERNAL = 13;
const RPC_PERMISSION_DENIED = 7;

/**
 * `POST /v1/traces`, the OTLP/HTTP trace receiver: protobuf or JSON, optionally gzipped. It
 * answers as OTLP/HTTP specifies (google.rpc.Status bodies, not the API's error body): 200
 * with `partial_success` for rejected spans (each reason named), 400 malformed, 401, 403 (not
 * the ingest role), 413, 415, 429 with `Retry-After` while the run buffer is full, and 503 with
 * `Retry-After` while the store refuses records. Mount it before any body parser.
 */
export function otlpRouter(options: OtlpRouterOptions): Router {
  const limit = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const { ingest } = options;
  const tokens = options.tokens ?? tokenCheckFrom({ apiToken: options.apiToken });
  const router = Router();
  // Ingest authenticates by bearer token only (never the browser's cookie), and answers a
  // refusal the OTLP way: UNAUTHENTICATED (401) or PERMISSION_DENIED (403), role named.
  const ingestOnly = requires('ingest', {
    context: (req) => {
      const principal = tokens.fromAuthorization(req.get('authorization'));
      const shown = req.get('authorization') !== undefined;
      return { principal, open: tokens.open, unknownToken: shown && !principal };
    },
    refuse: (req, res, refusal) => {
      ingest.countRequest();
      ingest.countRefused();
      req.resume();
      const code = refusal.status === 401 ? RPC_UNAUTHENTICATED : RPC_PERMISSION_DENIED;
      sendStatus(
        res,
        encodingOf(req.get('content-type')) ?? 'json',
        refusal.status,
        code,
        refusal.message,
      );
    },
  });
  router.post('/v1/traces', ingestOnly, async (req: Request, res: Response) => {
    ingest.countRequest();
    const encoding = encodingOf(req.get('content-type'));
    const refuse = (status: number, code: number, message: string): void => {
      ingest.countRefused();
      if (status === 413 || status === 415) res.set('connection', 'close');
      sendStatus(res, encoding ?? 'json', status, code, message);
    };
    if (!encoding) {
      req.resume();
      return refuse(
        415,
        RPC_INVALID_ARGUMENT,
        'content-type must be application/x-protobuf or application/json',
      );
    }
    try {
      const body = await readOtlpBody(req, limit);
      const result = await ingest.ingest(body, encoding);
      if (result.throttled) {
        res.set('retry-after', String(ingest.limits.retryAfterSeconds));
        return sendStatus(
          res,
          encoding,
          429,
          RPC_RESOURCE_EXHAUSTED,
          'the run buffer is full; retry later',
        );
      }
      if (!result.saved) {
        res.set('retry-after', retryAfter);
        return sendStatus(res, encoding, 503, RPC_UNAVAILABLE, 'records cannot be saved now');
      }
      sendExportResponse(res, encoding, result.rejected, result.errors.join('; '));
    } catch (error) {
      if (error instanceof OtlpRequestError) return refuse(error.status, error.code, error.message);
      if (error instanceof OtlpDecodeError) return refuse(400, RPC_INVALID_ARGUMENT, error.message);
      options.logger?.error(
        { component: 'ingest', error_type: (error as Error)?.name ?? typeof error },
        'OTLP export request failed',
      );
      sendStatus(res, encoding, 500, RPC_INTERNAL, 'internal error');
    }
  });
  return router;
}
