import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Host names allowed besides loopback; `*` allows any host (only with an API token). */
export type AllowedHosts = readonly string[] | '*';

/** The host name of a `Host` header, lower case, without port, brackets or final dot; null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return isIP(bracketed[1]!) === 6 ? bracketed[1]! : null;
  const plain = /^([a-z0-9_.-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1]!.replace(/\.$/, '') : null;
}

/** True for names that always mean this machine: `localhost`, `*.localhost`, 127.0.0.0/8, ::1. */
export function isLoopbackName(name: string): boolean {
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    (isIP(name) === 4 && name.startsWith('127.')) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(name)
  );
}

/** True when `name` is loopback or in `allowed` (an entry starting with `.` allows its subdomains). */
export function isHostAllowed(name: string, allowed: AllowedHosts): boolean {
  if (allowed === '*' || isLoopbackName(name)) return true;
  return allowed.some((entry) => {
    const e = entry
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    return e.startsWith('.') ? name.endsWith(e) || name === e.slice(1) : name === e;
  });
}

/**
 * Answers 421 to a request whose `Host` is not loopback nor allowed: a page on another origin
 * that rebinds its DNS name to 127.0.0.1 sends its own name as Host and is refused.
 */
export function hostAllowlist(allowed: AllowedHosts = []): RequestHandler {
  return (req, _res, next) => {
    if (allowed === '*') return next();
    const name = hostName(req.headers.host);
    if (name !== null && isHostAllowed(name, allowed)) return next();
    next(
      new HttpError(
        421,
        'host_not_allowed',
        'this server does not answer for that host name; add it to ALLOWED_HOSTS',
      ),
    );
  };
}
