import { BackendError } from './llm-backend.js';

/** Options of one backend HTTP request. */
export interface HttpOptions {
  backend: string;
  timeoutMillis: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends a request and returns the response when it is 2xx; a BackendError otherwise. */
export async function request(
  url: string,
  init: RequestInit,
  options: HttpOptions,
): Promise<Response> {
  const signals = [
    AbortSignal.timeout(options.timeoutMillis),
    ...(options.signal ? [options.signal] : []),
  ];
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { ...init.headers, ...options.headers },
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const cause = timedOut
      ? `no answer within ${options.timeoutMillis} ms`
      : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    throw new BackendError(
      `${options.backend} unreachable at ${new URL(url).origin}: ${cause}`,
      options.backend,
      timedOut ? 'backend_timeout' : 'backend_unreachable',
    );
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).slice(0, 200);
    throw new BackendError(
      `${options.backend} answered ${response.status}${body ? `: ${body}` : ''}`,
      options.backend,
      'backend_http_error',
      response.status,
    );
  }
  return response;
}

/** POSTs JSON and parses the JSON answer. */
export async function postJson<T>(url: string, body: unknown, options: HttpOptions): Promise<T> {
  const response = await request(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    options,
  );
  return (await response.json()) as T;
}

/** GETs and parses a JSON answer. */
export async function getJson<T>(url: string, options: HttpOptions): Promise<T> {
  return (await (await request(url, { method: 'GET' }, options)).json()) as T;
}
