import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

/** An OTLP/HTTP endpoint that misbehaves in one way, on loopback, and counts requests. */
export async function startBadCollector(mode: 'hang' | 'status-503' | 'status-413' | 'slow') {
  let requests = 0;
  const sockets = new Set<Socket>();
  let server: Server | ReturnType<typeof createTcpServer>;
  if (mode === 'hang') {
    // Accepts connections, reads, never answers.
    server = createTcpServer((socket) => {
      requests += 1;
      sockets.add(socket);
      socket.on('data', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
  } else {
    server = createServer((req, res) => {
      requests += 1;
      req.resume();
      req.on('end', () => {
        if (mode === 'slow')
          setTimeout(
            () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
            2_000,
          );
        else
          res
            .writeHead(mode === 'status-503' ? 503 : 413, { 'content-type': 'application/json' })
            .end('{"code":14}');
      });
    });
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A free port nothing listens on (connection refused). */
export async function refusedUrl(): Promise<string> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/v1/traces`;
}
