import { spawn, type ChildProcess } from 'node:child_process';

// Helpers that run in their own process, so they never share the measured server's event loop.
const SINK = `
const http = require('node:http');
const s = http.createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(200, {'content-type': 'application/json'}).end('{}')); });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
const HANG = `
const net = require('node:net');
const s = net.createServer((c) => c.on('data', () => {}));
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

/** Starts a helper process that prints its port; returns the OTLP URL and a stopper. */
export async function startChild(
  kind: 'sink' | 'hang',
): Promise<{ url: string; stop: () => void; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', kind === 'sink' ? SINK : HANG], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  return { url: `http://127.0.0.1:${port}/v1/traces`, child, stop: () => child.kill('SIGKILL') };
}

/** A port where nothing listens. */
export async function refusedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
