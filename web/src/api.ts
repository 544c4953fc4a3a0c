import { h } from './dom.js';
import { t } from './i18n.js';

const TOKEN_KEY = 'eh-token';
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let asking: Promise<void> | null = null;

/** A non-2xx answer of the API, with its error body's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** True when this tab holds an API token. */
export const hasToken = (): boolean => token !== null;

function headers(extra: HeadersInit = {}): Headers {
  const out = new Headers(extra);
  if (token) out.set('authorization', `Bearer ${token}`);
  return out;
}

/**
 * Calls the API with the tab's token (Bearer). A 401 asks for the token once (shared by
 * concurrent calls), sets the session cookie for media and streams, and retries. A 404 comes
 * back as an answer (callers check `status`); other failures throw `ApiError`.
 */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; headers?: HeadersInit } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: headers({
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      }),
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });
    if (res.status === 401 && attempt === 0) {
      await askForToken();
      continue;
    }
    const body = (await res.json().catch(() => null)) as T & { message?: string };
    if (!res.ok && res.status !== 404)
      throw new ApiError(res.status, body?.message ?? res.statusText);
    return { status: res.status, body, headers: res.headers };
  }
}

/** Sets the session cookie when this tab has a token (media and streams then load by cookie). */
export async function refreshSession(): Promise<void> {
  if (token) await fetch('/api/session', { method: 'POST', headers: headers() });
}

/** Forgets the token and clears the session cookie. */
export async function signOut(): Promise<void> {
  await fetch('/api/session', { method: 'DELETE', headers: headers() }).catch(() => undefined);
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Downloads an API resource with the Bearer token (for exports, which take no cookie). */
export async function download(path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw new ApiError(res.status, res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function askForToken(): Promise<void> {
  asking ??= new Promise<void>((resolve) => {
    const input = h('input', {
      id: 'token-input',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const problem = h('p', { class: 'problem', role: 'alert' });
    const form = h(
      'form',
      { method: 'dialog', class: 'token-form' },
      h('h2', {}, t('token.title')),
      h('p', {}, t('token.text')),
      h('input', {
        type: 'text',
        name: 'username',
        autocomplete: 'username',
        value: 'api-token',
        hidden: true,
      }),
      h('label', { for: 'token-input' }, t('token.label')),
      input,
      problem,
      h('button', { type: 'submit', class: 'primary' }, t('token.submit')),
    );
    const dialog = h('dialog', { class: 'token-dialog', 'aria-labelledby': 'token-title' }, form);
    form.querySelector('h2')!.id = 'token-title';
    dialog.addEventListener('cancel', (e) => e.preventDefault());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const candidate = input.value.trim();
      const res = await fetch('/api/session', {
        method: 'POST',
        headers: { authorization: `Bearer ${candidate}` },
      });
      if (res.status !== 204) {
        problem.textContent = t('token.wrong');
        input.select();
        return;
      }
      token = candidate;
      sessionStorage.setItem(TOKEN_KEY, candidate);
      dialog.close();
      dialog.remove();
      asking = null;
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
  return asking;
}
