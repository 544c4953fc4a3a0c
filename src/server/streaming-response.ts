import type { Response } from 'express';
import type { ByteSink } from '../research/zip-writer.js';

/** Thrown into a streaming export when the client went away, so the export stops early. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client closed the connection');
  }
}

/** A byte sink on the response: honours backpressure, throws `ClientGoneError` once it closed. */
export function responseSink(res: Response): ByteSink {
  let closed = false;
  res.once('close', () => (closed = true));
  return async (chunk) => {
    if (closed || res.destroyed) throw new ClientGoneError();
    if (res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
}

/** Streams text chunks to the response; false when the client went away first. */
export async function streamChunks(
  res: Response,
  chunks: AsyncIterable<string | Uint8Array>,
): Promise<boolean> {
  const sink = responseSink(res);
  try {
    for await (const chunk of chunks)
      await sink(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return true;
  } catch (error) {
    if (error instanceof ClientGoneError) return false;
    throw error;
  }
}

/** Declares the trailers an export sends after its body (its counts). */
export function declareCountTrailers(res: Response, matching: number): void {
  res.setHeader('x-export-matching', String(matching));
  // Trailers need chunked transfer encoding: HTTP/1.1 and a body (not HEAD).
  if (res.req.httpVersion === '1.1' && res.req.method !== 'HEAD')
    res.setHeader('trailer', 'x-export-records, x-export-errors');
}

/** Sends the counts as trailers and ends the response. */
export function endWithCounts(res: Response, counts: { records: number; errors: number }): void {
  if (res.chunkedEncoding)
    res.addTrailers({
      'x-export-records': String(counts.records),
      'x-export-errors': String(counts.errors),
    });
  res.end();
}
