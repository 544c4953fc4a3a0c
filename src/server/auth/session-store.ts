import { randomBytes } from 'node:crypto';
import { RecentMap } from '../../common/recent-map.js';
import type { Principal } from './principal.js';
import { hashToken } from './token-hash.js';

/** Options of `SessionStore`. */
export interface SessionStoreOptions {
  /** How long a session lasts; default 12 hours. */
  maxAgeMillis?: number;
  /** Most sessions kept; beyond it the oldest ends. Default 10,000. */
  maxSessions?: number;
  /** Most sessions of one token (by name); beyond it that token's oldest ends. Default 100. */
  maxSessionsPerToken?: number;
  /** Clock; default `Date.now`. */
  now?: () => number;
}

/** A browser session as the server keeps it. */
export interface Session {
  role: Principal['role'];
  name: string;
  expiresAtMillis: number;
}

/** Default lifetime of a browser session: 12 hours. */
export const SESSION_MAX_AGE_MILLIS = 12 * 60 * 60 * 1000;

/**
 * Browser sessions held server-side: a random id (only its SHA-256 is kept) maps to the role and
 * name of the token that opened it, and an expiry. NOTE: in memory, so a restart ends them all
 * and workers behind a load balancer do not share them (the page then asks for the token again).
 */
export class SessionStore {
  /** By the SHA-256 of the id, oldest first; past `maxSessions` the oldest ends. */
  private readonly sessions: RecentMap<string, Session>;
  private readonly maxAgeMillis: number;
  private readonly maxPerToken: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.maxAgeMillis = options.maxAgeMillis ?? SESSION_MAX_AGE_MILLIS;
    this.sessions = new RecentMap(options.maxSessions ?? 10_000);
    this.maxPerToken = options.maxSessionsPerToken ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session for `principal`; returns its id (for the cookie) and the session. */
  open(principal: Pick<Principal, 'role' | 'name'>): { id: string; session: Session } {
    this.sweep();
    // One token signing in again and again ends its own oldest sessions, not other people's.
    const own = [...this.sessions].filter(([, x]) => x.name === principal.name);
    for (const [key] of own.slice(0, Math.max(0, own.length - this.maxPerToken + 1)))
      this.sessions.delete(key);
    const id = randomBytes(32).toString('base64url');
    const session = {
      role: principal.role,
      name: principal.name,
      expiresAtMillis: this.now() + this.maxAgeMillis,
    };
    this.sessions.set(hashToken(id), session);
    return { id, session };
  }

  /** The unexpired session of `id`, or null. */
  get(id: string | undefined): Session | null {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    // Looked up by the SHA-256 of the id: the time a lookup takes says nothing about ids.
    const key = hashToken(id);
    const session = this.sessions.get(key);
    if (!session) return null;
    if (session.expiresAtMillis > this.now()) return session;
    this.sessions.delete(key);
    return null;
  }

  /** Ends the session of `id` (logout); unknown ids are ignored. */
  close(id: string | undefined): void {
    if (id) this.sessions.delete(hashToken(id));
  }

  /** Seconds a new session lasts (the cookie's `Max-Age`). */
  get maxAgeSeconds(): number {
    return Math.floor(this.maxAgeMillis / 1000);
  }

  /** Number of sessions held (expired ones included until swept). */
  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, s] of this.sessions) if (s.expiresAtMillis <= now) this.sessions.delete(key);
  }
}
