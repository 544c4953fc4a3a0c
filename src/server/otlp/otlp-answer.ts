import type { Response } from 'express';
import type { OtlpEncoding } from '../../ingest/otlp-decode.js';
import { ExportTraceServiceResponseType, RpcStatusType } from '../../ingest/otlp-proto.js';

const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The OTLP encoding a `content-type` names; undefined for any other type. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** 200 with an `ExportTraceServiceResponse`, with `partial_success` when spans were rejected. */
export function sendExportResponse(
  res: Response,
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): void {
  const partial = rejected > 0 ? { rejectedSpans: rejected, errorMessage } : undefined;
  res.status(200).type(CONTENT_TYPES[encoding]);
  if (encoding === 'json') {
    res.send(
      JSON.stringify(
        partial ? { partialSuccess: { ...partial, rejectedSpans: String(rejected) } } : {},
      ),
    );
    return;
  }
  res.send(encodeExportResponse(rejected, errorMessage));
}

/** A protobuf `ExportTraceServiceResponse`, with `partial_success` when spans were rejected. */
export function encodeExportResponse(rejected: number, errorMessage: string): Buffer {
  const message = ExportTraceServiceResponseType.fromObject(
    rejected > 0 ? { partialSuccess: { rejectedSpans: rejected, errorMessage } } : {},
  );
  return Buffer.from(ExportTraceServiceResponseType.encode(message).finish());
}

/** An error answer: `status` with a google.rpc.Status body in `encoding`. */
export function sendStatus(
  res: Response,
  encoding: OtlpEncoding,
  status: number,
  code: number,
  message: string,
): void {
  res.status(status).type(CONTENT_TYPES[encoding]);
  if (encoding === 'json') {
    res.send(JSON.stringify({ code, message }));
    return;
  }
  res.send(Buffer.from(RpcStatusType.encode(RpcStatusType.fromObject({ code, message })).finish()));
}
