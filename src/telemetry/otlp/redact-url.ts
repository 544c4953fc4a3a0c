const HIDDEN = '***';

/**
 * The URL without its secrets (pure): user name and password become `***`, and so does every
 * query parameter's value (tokens and keys travel there). Text that is no URL comes back
 * unchanged.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (!url.username && !url.password && !url.search) return text;
  if (url.username || url.password) {
    url.username = HIDDEN;
    url.password = '';
  }
  const keys = [...url.searchParams.keys()];
  url.search = keys.map((k) => `${encodeURIComponent(k)}=${HIDDEN}`).join('&');
  return url.toString().replace(/%2A%2A%2A/g, HIDDEN);
}

/** `text` with every URL in it redacted (`redactUrl`), e.g. an error message naming one. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (u) => redactUrl(u));
}
