/**
 * The database cannot be reached or used. The message is one line naming host:port and
 * database and the cause, never the password; `stack` is the message alone, so printing the
 * error prints one line.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`PostgreSQL at ${target} is unavailable: ${reason}`);
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** `host:port/database` of a connection URL, without user or password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') ?? (u.hostname || 'localhost');
    return `${host}:${u.port || '5432'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** One line of an error's cause, with the password removed if it somehow appears. */
export function reasonOf(error: unknown, password: string): string {
  const e = error as { code?: string; message?: string };
  let text = (e.message || e.code || String(error)).split('\n')[0]!.trim();
  if (password) text = text.split(password).join('***');
  return e.code && !text.includes(e.code) ? `${text} (${e.code})` : text;
}

/** Error codes meaning the database is not there (as opposed to a bad statement). */
const UNAVAILABLE =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|08...|57P0[1-3])$/;
const UNAVAILABLE_MESSAGE =
  /timeout|terminat|Connection ended|not queryable|ECONNREFUSED|ECONNRESET/i;

/** True when `error` says the database cannot be reached or used (not a bad statement). */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return UNAVAILABLE.test(e.code ?? '') || UNAVAILABLE_MESSAGE.test(e.message ?? '');
}
