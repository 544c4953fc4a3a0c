import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Time and connection limits of the HTTP server. */
export interface ServerLimits {
  /** A connection must deliver its request headers within this; default 10,000 ms. */
  headersTimeoutMillis: number;
  /** The whole request, body included, must arrive within this; default 30,000 ms. */
  requestTimeoutMillis: number;
  /** An idle keep-alive connection is closed after this; default 5,000 ms. */
  keepAliveTimeoutMillis: number;
  /** Connections held at once; more are closed on arrival. Default 256. */
  maxConnections: number;
}

/** The limits `applyServerLimits` uses for what it is not given. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMillis: 10_000,
  requestTimeoutMillis: 30_000,
  keepAliveTimeoutMillis: 5_000,
  maxConnections: 256,
};

/**
 * Sets Node's header, request and keep-alive time-outs and the connection cap on `server`, and
 * adds two timers Node lacks: a connection that sends no request at all is closed after the
 * header time-out, and a request whose body has not fully arrived within the request time-out
 * is dropped. Call before `listen` (Node checks its own time-outs every ≤ 0.5 s from then on).
 * A slow client is dropped within its time-out plus at most one second; an idle keep-alive
 * connection within the keep-alive time-out plus one second (Node's fixed buffer).
 */
export function applyServerLimits(
  server: Server,
  limits: Partial<ServerLimits> = {},
): ServerLimits {
  const l = { ...DEFAULT_SERVER_LIMITS, ...limits };
  server.headersTimeout = l.headersTimeoutMillis;
  server.requestTimeout = Math.max(l.requestTimeoutMillis, l.headersTimeoutMillis);
  server.keepAliveTimeout = l.keepAliveTimeoutMillis;
  server.maxConnections = l.maxConnections;
  // Read by Node when listening starts; the default (30 s) let a slow client stay 30 s longer.
  const checkMillis = Math.min(500, Math.max(25, Math.floor(l.headersTimeoutMillis / 4)));
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    checkMillis;

  const silent = new WeakMap<Socket, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    // After Node's own check had its turn (which answers partial headers with 408).
    const timer = setTimeout(() => socket.destroy(), l.headersTimeoutMillis + 2 * checkMillis);
    timer.unref();
    silent.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (req: IncomingMessage) => {
    clearTimeout(silent.get(req.socket));
    if (req.complete) return;
    const timer = setTimeout(() => {
      if (!req.complete) req.socket.destroy();
    }, l.requestTimeoutMillis);
    timer.unref();
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
  });
  return l;
}
