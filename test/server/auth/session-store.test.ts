import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../../src/server/auth/session-store.js';

const clock = (start = 1_800_000_000_000) => {
  const c = { now: start, fn: () => c.now };
  return c;
};

describe('SessionStore', () => {
  it('maps a random id to the role, name and expiry; the id itself is not kept', () => {
    const c = clock();
    const store = new SessionStore({ maxAgeMillis: 60_000, now: c.fn });
    const { id, session } = store.open({ role: 'viewer', name: 'teacher-a' });
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(session).toEqual({ role: 'viewer', name: 'teacher-a', expiresAtMillis: c.now + 60_000 });
    expect(store.get(id)).toEqual(session);
    expect(
      JSON.stringify([...(store as unknown as { sessions: Map<string, unknown> }).sessions]),
    ).not.toContain(id);
    expect(store.open({ role: 'viewer', name: 'teacher-a' }).id).not.toBe(id);
  });

  it('ends a session at its expiry and on close', () => {
    const c = clock();
    const store = new SessionStore({ maxAgeMillis: 60_000, now: c.fn });
    const a = store.open({ role: 'admin', name: 'ops' }).id;
    const b = store.open({ role: 'admin', name: 'ops' }).id;
    store.close(b);
    expect(store.get(b)).toBeNull();
    c.now += 59_999;
    expect(store.get(a)).not.toBeNull();
    c.now += 1;
    expect(store.get(a)).toBeNull();
    expect(store.maxAgeSeconds).toBe(60);
  });

  it('keeps at most maxSessions (the oldest ends first) and ignores malformed ids', () => {
    const store = new SessionStore({ maxSessions: 2 });
    const ids = [1, 2, 3].map(() => store.open({ role: 'viewer', name: 'v' }).id);
    expect(store.size).toBe(2);
    expect(store.get(ids[0])).toBeNull();
    expect(store.get(ids[2])).not.toBeNull();
    for (const id of [undefined, '', 'x', `${ids[2]}x`]) expect(store.get(id)).toBeNull();
  });

  it('ends a token’s own oldest session past maxSessionsPerToken, not other people’s', () => {
    const store = new SessionStore({ maxSessionsPerToken: 2 });
    const teacher = store.open({ role: 'viewer', name: 'teacher-a' }).id;
    const flood = [1, 2, 3].map(() => store.open({ role: 'viewer', name: 'viewer-x' }).id);
    expect(store.get(teacher)).not.toBeNull();
    expect(flood.map((id) => store.get(id) !== null)).toEqual([false, true, true]);
    expect(store.size).toBe(3);
  });
});
