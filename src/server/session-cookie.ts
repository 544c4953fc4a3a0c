import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the cookie that lets a browser load media and streams without the token in URLs. */
export const SESSION_COOKIE = 'eh_session';

/** Default lifetime of a session cookie: 12 hours. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

const mac = (token: string, expires: number) =>
  createHmac('sha256', token).update(`execution-history session ${expires}`).digest('base64url');

/**
 * A session value `<expiry seconds>.<HMAC of it keyed by the API token>`: it is not the token,
 * proves the token was shown, expires, and needs no server state.
 */
export function issueSessionValue(
  token: string,
  nowMillis = Date.now(),
  maxAgeSeconds = SESSION_MAX_AGE_SECONDS,
): string {
  const expires = Math.floor(nowMillis / 1000) + maxAgeSeconds;
  return `${expires}.${mac(token, expires)}`;
}

/** True for an unexpired value issued with `token`. */
export function verifySessionValue(
  token: string,
  value: string | undefined,
  nowMillis = Date.now(),
): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= nowMillis) return false;
  const given = Buffer.from(match[2]!);
  const expected = Buffer.from(mac(token, expires));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The value of cookie `name` in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Strict, for `/api` only; `maxAge` 0 clears it. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/api',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
