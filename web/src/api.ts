import { h } from './dom.js';
import { t } from './i18n.js';

/** Who this browser is signed in as (`GET /api/session`). */
export interface SessionInfo {
  /** True when the server has no tokens (loopback): nothing to sign in to. */
  open: boolean;
  signed_in: boolean;
  role: string | null;
  name: string | null;
}

let session: SessionInfo = { open: true, signed_in: false, role: null, name: null };
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

/** Who this browser is signed in as, as last read. */
export const currentSession = (): SessionInfo => session;

/** True when this browser holds a session (the sign-out button shows then). */
export const isSignedIn = (): boolean => session.signed_in;

/** Reads who this browser is signed in as; the session cookie is sent by the browser. */
export async function refreshSession(): Promise<void> {
  const res = await fetch('/api/session').catch(() => null);
  if (res?.ok) session = (await res.json()) as SessionInfo;
}

type ErrorAnswer = { message?: string; error?: { message?: string } };

/**
 * Calls the API; the browser sends the session cookie (HttpOnly: this page never sees a token
 * after signing in). A 401 asks for a token once (shared by concurrent calls), which opens a
 * session, and retries. A 404 comes back as an answer (callers check `status`); other failures,
 * a 403 naming the role needed among them, throw `ApiError`.
 */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; headers?: HeadersInit } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: new Headers({
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      }),
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });
    if (res.status === 401 && attempt === 0) {
      await askForToken();
      continue;
    }
    const body = (await res.json().catch(() => null)) as T & ErrorAnswer;
    if (!res.ok && res.status !== 404)
      throw new ApiError(res.status, body?.error?.message ?? body?.message ?? res.statusText);
    return { status: res.status, body, headers: res.headers };
  }
}

/** Signs out: the server forgets the session and clears the cookie. */
export async function signOut(): Promise<void> {
  await fetch('/api/session', { method: 'DELETE' }).catch(() => undefined);
  await refreshSession();
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
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as ErrorAnswer | null;
        problem.textContent =
          res.status === 403 ? (body?.error?.message ?? t('token.wrong')) : t('token.wrong');
        input.select();
        return;
      }
      input.value = '';
      await refreshSession();
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
