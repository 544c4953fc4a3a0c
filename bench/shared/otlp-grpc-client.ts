import { Client, credentials, Metadata, status, type ChannelOptions } from '@grpc/grpc-js';

const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const raw = (b: Buffer) => b;

export interface Answer {
  code: status;
  details: string;
  response?: Buffer;
  /** `grpc-status-details-bin` of an error: a google.rpc.Status with details. */
  statusDetails?: Buffer;
}

/** One `Export` call with grpc-js's client, as the Collector's otlp exporter makes it. */
export async function exportCall(
  port: number,
  body: Buffer,
  options: { token?: string; channel?: ChannelOptions } = {},
): Promise<Answer> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), options.channel);
  const metadata = new Metadata();
  if (options.token) metadata.set('authorization', `Bearer ${options.token}`);
  try {
    return await new Promise<Answer>((resolve) =>
      client.makeUnaryRequest(EXPORT, raw, raw, body, metadata, {}, (error, response) =>
        resolve(
          error
            ? {
                code: error.code,
                details: error.details,
                statusDetails: error.metadata?.get('grpc-status-details-bin')[0] as
                  Buffer | undefined,
              }
            : { code: status.OK, details: '', response: response! },
        ),
      ),
    );
  } finally {
    client.close();
  }
}
