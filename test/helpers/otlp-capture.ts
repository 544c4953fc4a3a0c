import { createServer } from 'node:http';

/** A local OTLP/HTTP JSON receiver that keeps the trace ids of the spans it gets. */
export async function startOtlpCapture() {
  const traceIds = new Set<string>();
  let spans = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      try {
        const doc = JSON.parse(body) as {
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
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    traceIds,
    spans: () => spans,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
