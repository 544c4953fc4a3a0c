import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { applyServerLimits, type ServerLimits } from '../../src/server/server-limits.js';
import { sleep } from '../helpers/tracing.js';
import { eventually } from '../helpers/eventually.js';

const LIMITS: ServerLimits = {
  headersTimeoutMillis: 400,
  requestTimeoutMillis: 800,
  keepAliveTimeoutMillis: 300,
  maxConnections: 4,
};
/** Node checks its own time-outs on an interval (≤ 0.5 s; here 100 ms): the allowed slack. */
const SLACK = 600;

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

async function start(limits = LIMITS): Promise<number> {
  const app = express();
  app.use(express.json());
  app.get('/', (_req, res) => void res.send('ok'));
  app.post('/', (req, res) => void res.json({ got: req.body }));
  app.get('/slow', async (_req, res) => {
    await sleep(limits.requestTimeoutMillis + 500);
    res.send('late but answered');
  });
  const server = createServer(app);
  applyServerLimits(server, limits);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/** A raw connection; `closed` resolves with the milliseconds from connect to close. */
async function raw(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let data = '';
  socket.on('data', (c) => (data += c.toString()));
  socket.on('error', () => {});
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const opened = Date.now();
  const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - opened)));
  return { socket, closed, data: () => data };
}

/** Writes `text` one byte every `everyMillis` until the socket closes. */
function dribble(socket: Socket, text: string, everyMillis: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMillis);
}

describe('applyServerLimits on a listening server (raw sockets)', () => {
  it('drops a connection that sends nothing after the header time-out', async () => {
    const c = await raw(await start());
    const ms = await c.closed;
    expect(ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMillis - 50);
    expect(ms).toBeLessThan(LIMITS.headersTimeoutMillis + SLACK);
  });

  it('drops a slowloris client dribbling its headers, with 408', async () => {
    const c = await raw(await start());
    dribble(c.socket, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-A: b\r\n'.repeat(100)}`, 20);
    const ms = await c.closed;
    expect(ms).toBeLessThan(LIMITS.headersTimeoutMillis + SLACK);
    expect(c.data()).toMatch(/^HTTP\/1.1 408/);
  });

  it('drops a client dribbling its body within the request time-out', async () => {
    const c = await raw(await start());
    c.socket.write(
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    dribble(c.socket, `"${'a'.repeat(998)}"`, 20);
    const ms = await c.closed;
    expect(ms).toBeLessThan(LIMITS.requestTimeoutMillis + SLACK);
  });

  it('closes an idle keep-alive connection after the keep-alive time-out', async () => {
    const c = await raw(await start());
    c.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const ms = await c.closed;
    expect(c.data()).toMatch(/^HTTP\/1.1 200[\s\S]*ok$/);
    // Node adds a fixed 1 s buffer to the keep-alive time-out.
    expect(ms).toBeLessThan(LIMITS.keepAliveTimeoutMillis + 1_000 + SLACK);
  });

  it('answers a slow handler after the request time-out: only receiving is bounded', async () => {
    const port = await start();
    const res = await fetch(`http://127.0.0.1:${port}/slow`);
    expect(await res.text()).toBe('late but answered');
  });

  it('closes connections beyond maxConnections at once, and serves again when they go', async () => {
    const port = await start({
      ...LIMITS,
      headersTimeoutMillis: 3_000,
      requestTimeoutMillis: 3_000,
    });
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => raw(port)));
    const server = servers.at(-1)!;
    const connections = () =>
      new Promise<number>((r, j) => server.getConnections((e, n) => (e ? j(e) : r(n))));
    await eventually(async () => expect(await connections()).toBe(LIMITS.maxConnections));
    const extra = await raw(port);
    expect(await extra.closed).toBeLessThan(200);
    held.forEach((h) => h.socket.destroy());
    await Promise.all(held.map((h) => h.closed));
    await eventually(async () => expect(await connections()).toBe(0));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
  });

  it('serves a well-behaved request with a body', async () => {
    const port = await start();
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });
});
