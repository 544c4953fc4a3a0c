import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OtlpIngest } from '../../src/server/otlp/otlp-ingest.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { roleAllows, ROLES, type Access, type Role } from '../../src/server/auth/roles.js';
import { appRoutes, type AppRoute } from '../helpers/app-routes.js';
import { listen } from '../helpers/listen.js';
import { bearerFor, ROLE_TOKEN_ENTRIES } from '../helpers/role-tokens.js';
import { testApp } from '../helpers/test-app.js';

type Caller = Role | 'none';
const CALLERS: Caller[] = [...ROLES, 'none'];
const ID = 'exec_20260101_000000_0000abcd';
const ROLE_TABLE = /<!-- role-table:start -->\n([\s\S]*?)<!-- role-table:end -->/;

/** A concrete request path for a route pattern. */
const concrete = (path: string) =>
  path
    .replace(':id', ID)
    .replace(':file', 'output_1.png')
    .replace(':format', 'json')
    .replace(/\/\*$/, '/anything');

/** The app with every optional router on (OTLP ingest into a store of its own). */
function appWithIngest(tokens: boolean) {
  const ingest = new OtlpIngest({ store: new MemoryRecordStore() });
  return testApp({ app: { ...(tokens ? { tokens: ROLE_TOKEN_ENTRIES } : {}), ingest } });
}

/** The status and error of one call; a stream is cut once its head arrives. */
async function call(base: string, route: AppRoute, caller: Caller) {
  const abort = new AbortController();
  const res = await fetch(`${base}${concrete(route.path)}`, {
    method: route.method === 'USE' ? 'GET' : route.method,
    headers: caller === 'none' ? {} : bearerFor(caller),
    signal: abort.signal,
  });
  type Body = { error?: { code: string; details?: unknown }; code?: number; message?: string };
  let json: Body | null = null;
  if (res.headers.get('content-type')?.includes('json')) {
    const text = await res.text();
    json = text ? (JSON.parse(text) as Body) : null;
  }
  abort.abort();
  return { status: res.status, json };
}

const expectedCell = (access: Access, caller: Caller) =>
  access === 'public' || (caller !== 'none' && roleAllows(caller, access))
    ? '✓'
    : caller === 'none'
      ? '401'
      : '403';

/** The README's table of each role's answer, one row per route. */
function roleTable(routes: AppRoute[]): string {
  const rows = routes.map(
    (r) =>
      `| \`${r.method} ${r.path}\` | ${r.access} | ${CALLERS.map((c) => expectedCell(r.access!, c)).join(' | ')} |`,
  );
  return [
    `| Route | Needs | ${ROLES.join(' | ')} | no token |`,
    `| --- | --- | ${CALLERS.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n');
}

describe('roles on every route', () => {
  it('gives every route the app registers a guard, and the README lists each role’s answer', async () => {
    const { app } = await appWithIngest(true);
    const routes = appRoutes(app);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.access === undefined)).toEqual([]);
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const table = ROLE_TABLE.exec(readme)?.[1] ?? '';
    const normalize = (t: string) =>
      t
        .replace(/ *\| */g, '|')
        .replace(/-{3,}/g, '---')
        .trim();
    expect(normalize(table), `README table should be:\n${roleTable(routes)}`).toBe(
      normalize(roleTable(routes)),
    );
  });

  it('answers each role as the table says: 401 without a token, 403 naming the role needed', async () => {
    const { app } = await appWithIngest(true);
    const server = await listen(app);
    try {
      for (const route of appRoutes(app))
        for (const caller of CALLERS) {
          const { status, json } = await call(server.url, route, caller);
          const what = `${caller} → ${route.method} ${route.path}: ${status} ${JSON.stringify(json)}`;
          const expected = expectedCell(route.access!, caller);
          if (expected === '✓') {
            const refused =
              (status === 401 || status === 403) &&
              ['unauthorized', 'forbidden'].includes(json?.error?.code ?? '');
            expect(
              refused || (route.path === '/v1/traces' && [401, 403].includes(status)),
              what,
            ).toBe(false);
            continue;
          }
          expect(status, what).toBe(Number(expected));
          if (route.path === '/v1/traces') {
            // OTLP answers as OTLP/HTTP specifies: a google.rpc.Status, role named.
            expect(json?.code, what).toBe(status === 401 ? 16 : 7);
            expect(json?.message, what).toContain(`${route.access} role`);
            continue;
          }
          expect(json?.error, what).toMatchObject({
            code: status === 401 ? 'unauthorized' : 'forbidden',
            details: { required_role: route.access },
          });
        }
    } finally {
      await server.close();
    }
  }, 60_000);

  it('keeps an open loopback server (no tokens) as before: everything answers but erasure', async () => {
    const { app } = await appWithIngest(false);
    const server = await listen(app);
    try {
      for (const route of appRoutes(app)) {
        const { status, json } = await call(server.url, route, 'none');
        const what = `${route.method} ${route.path}: ${status} ${JSON.stringify(json)}`;
        if (route.path.startsWith('/api/erasure')) {
          expect(status, what).toBe(403);
          expect(json?.error, what).toMatchObject({
            code: 'erasure_needs_token',
            details: { required_role: 'admin' },
          });
        } else expect([401, 403], what).not.toContain(status);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});
