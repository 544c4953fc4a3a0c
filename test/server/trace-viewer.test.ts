import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { JaegerUiStatus } from '../../src/server/jaeger-ui-status.js';
import { jaegerUiAnswers } from '../../src/server/reachability.js';
import { freePort } from '../helpers/processes.js';
import { testApp } from '../helpers/test-app.js';

// The page Jaeger's query service serves when built without the UI (cmd/query/app/ui/placeholder).
const PLACEHOLDER_PAGE = `<!DOCTYPE html><title>Test Page</title><body>
<h1>This is not the Jaeger UI you are looking for!</h1><p>This is a placeholder for the Jaeger UI
home page. If you are seeing this, you are running a binary that was not compiled with the UI
assets.</p><pre>JAEGER_CONFIG = DEFAULT_CONFIG;</pre></body>`;
const UI_PAGE = `<!doctype html><html><head><title>Jaeger UI</title></head>
<body><div id="jaeger-ui-root"></div></body></html>`;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(page: string): Promise<string> {
  const s = createServer((_req, res) => res.setHeader('content-type', 'text/html').end(page));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

describe("Jaeger's UI check", () => {
  it('answers true for the UI, false for the placeholder page and for nothing listening', async () => {
    expect(await jaegerUiAnswers(await serve(UI_PAGE))).toBe(true);
    expect(await jaegerUiAnswers(await serve(PLACEHOLDER_PAGE))).toBe(false);
    expect(await jaegerUiAnswers(`http://127.0.0.1:${await freePort()}`)).toBe(false);
  });

  it('is cached for cacheMillis and never asked without a URL', async () => {
    let now = 0;
    const asked: string[] = [];
    const status = new JaegerUiStatus({
      url: 'http://jaeger.test',
      check: (u) => (asked.push(u), Promise.resolve(true)),
      cacheMillis: 1_000,
      now: () => now,
    });
    expect(await status.current()).toEqual({
      jaeger_ui_url: 'http://jaeger.test',
      available: true,
    });
    now = 999;
    await status.current();
    expect(asked).toHaveLength(1);
    now = 1_000;
    await status.current();
    expect(asked).toHaveLength(2);
    expect(await new JaegerUiStatus({ url: null }).current()).toEqual({
      jaeger_ui_url: null,
      available: false,
    });
  });

  it('GET /api/trace-viewer tells the web view whether to show "Trace in Jaeger"', async () => {
    const up = await testApp({
      app: { jaegerUi: new JaegerUiStatus({ url: await serve(UI_PAGE) }) },
    });
    expect((await request(up.app).get('/api/trace-viewer')).body).toMatchObject({
      available: true,
    });
    const placeholder = await testApp({
      app: { jaegerUi: new JaegerUiStatus({ url: await serve(PLACEHOLDER_PAGE) }) },
    });
    const res = await request(placeholder.app).get('/api/trace-viewer');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ available: false });
  });
});
