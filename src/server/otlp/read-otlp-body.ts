import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** An OTLP/HTTP request refused before its spans are read; `code` is the google.rpc code. */
export class OtlpRequestError extends Error {
  override readonly name = 'OtlpRequestError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** google.rpc codes used in answers. */
export const RPC_INVALID_ARGUMENT = 3;
export const RPC_RESOURCE_EXHAUSTED = 8;
export const RPC_UNAUTHENTICATED = 16;
export const RPC_UNAVAILABLE = 14;

const tooLarge = (limit: number) =>
  new OtlpRequestError(413, RPC_RESOURCE_EXHAUSTED, `request body larger than ${limit} bytes`);

/** The raw body, refused past `limit` bytes without reading the rest into memory. */
function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', () =>
      reject(new OtlpRequestError(400, RPC_INVALID_ARGUMENT, 'request aborted')),
    );
  });
}

/**
 * The request body, gunzipped when `content-encoding: gzip`: at most `limit` bytes after
 * inflating (inflation stops at the limit, so a gzip bomb costs no more than `limit`).
 */
export async function readOtlpBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'identity') {
    throw new OtlpRequestError(
      415,
      RPC_INVALID_ARGUMENT,
      `content-encoding "${encoding.slice(0, 40)}" is not supported; use gzip or none`,
    );
  }
  const raw = await readRaw(req, limit);
  if (encoding === 'identity') return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new OtlpRequestError(400, RPC_INVALID_ARGUMENT, 'body is not valid gzip');
  }
}
