import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import { jsonDepthExceeds } from './json-depth.js';
import { ExportTraceServiceRequestType } from './otlp-proto.js';
import {
  OtlpTraceRequestSchema,
  type IdEncoding,
  type OtlpTraceRequest,
} from './otlp-trace-request.js';

/**
 * Deepest nesting of a JSON body: an export request needs 12 levels, an attribute value a few
 * more; deeper bodies are refused before they reach a recursive parser.
 */
export const MAX_JSON_DEPTH = 64;

/** The two OTLP/HTTP body encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

/** A body that is not an `ExportTraceServiceRequest` in its encoding (answered 400). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** An ExportTraceServiceRequest body, decoded to the OTLP/JSON shape (pure; throws `OtlpDecodeError`). */
export function decodeTraceRequest(
  body: Buffer,
  encoding: OtlpEncoding,
): { request: OtlpTraceRequest; ids: IdEncoding } {
  if (encoding === 'protobuf') {
    let message;
    try {
      message = ExportTraceServiceRequestType.decode(body);
    } catch (error) {
      throw new OtlpDecodeError(`not an ExportTraceServiceRequest: ${(error as Error).message}`);
    }
    try {
      const request = ExportTraceServiceRequestType.toObject(message, {
        longs: String,
        bytes: String,
        enums: Number,
      }) as OtlpTraceRequest;
      return { request, ids: 'base64' };
    } catch (error) {
      // Values nested deeper than the stack allows (RangeError); nothing else throws here.
      throw new OtlpDecodeError(`not an ExportTraceServiceRequest: ${(error as Error).message}`);
    }
  }
  if (!isUtf8(body)) {
    throw new OtlpDecodeError(
      `body is not valid UTF-8 (invalid bytes at offset ${firstInvalidUtf8(body)}); OTLP/JSON must be UTF-8`,
    );
  }
  const text = body.toString('utf8');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH))
    throw new OtlpDecodeError(`body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OtlpDecodeError('body is not valid JSON');
  }
  const parsed = OtlpTraceRequestSchema.safeParse(json);
  if (!parsed.success) {
    throw new OtlpDecodeError(`not an ExportTraceServiceRequest: ${summarize(parsed.error)}`);
  }
  return { request: parsed.data, ids: 'hex' };
}

/** Offset of the first byte where `body` stops being valid UTF-8 (its length if it never does). */
function firstInvalidUtf8(body: Buffer): number {
  let i = 0;
  while (i < body.length) {
    const lead = body[i]!;
    const size =
      lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    if (size === 0 || !isUtf8(body.subarray(i, i + size))) return i;
    i += size;
  }
  return body.length;
}

/** The first few issues, short (the body may be huge). */
function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
