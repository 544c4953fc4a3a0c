import { createServer } from 'node:http';

/** One request the capture received, as it came. */
export interface CapturedRequest {
  contentType: string;
  contentEncoding: string | undefined;
  body: Buffer;
}

/**
 * A local OTLP/HTTP receiver: keeps every request's raw body and headers, and for JSON bodies
 * the trace ids of the spans it gets.
 */
export async function startOtlpCapture() {
  const traceIds = new Set<string>();
  const requests: CapturedRequest[] = [];
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      requests.push({ contentType, contentEncoding: req.headers['content-encoding'], body });
      try {
        const doc = JSON.parse(body.toString('utf8')) as {
          resourceSpans?: { scopeSpans?: { spans?: { traceId: string }[] }[] }[];
        };
        for (const r of doc.resourceSpans ?? [])
          for (const s of r.scopeSpans ?? [])
            for (const span of s.spans ?? []) {
              traceIds.add(span.traceId);
              spans += 1;
            }
      } catch {
        // not JSON: counted as nothing
      }
      const json = !contentType.includes('protobuf');
      res
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    traceIds,
    requests,
    spans: () => spans,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
