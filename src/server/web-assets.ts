import express, { Router, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requires } from './auth/access-guard.js';

/** Pages of the web view; each answers the built `index.html` (the page routes itself). */
const PAGES = [
  '/',
  '/runs',
  '/runs/:id',
  '/try',
  '/compare',
  '/review',
  '/review/:id',
  '/agreement',
  '/stats',
];

/** Content Security Policy of the web view: its own origin only, nothing from elsewhere. */
export const WEB_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self'",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** `web/dist/` of the checkout, from `src/server/` (tsx) or `dist/src/server/` (built). */
export function defaultWebDir(): string {
  const candidates = ['../../web/dist/', '../../../web/dist/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

const MISSING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Web view not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web view is not built yet</h1>
<p>Run <code>npm run build:web</code> in the project directory, then reload this page.
The API under <code>/api</code> works without it.</p>
<p lang="de">Die Weboberfläche ist noch nicht gebaut: <code>npm run build:web</code> ausführen und
die Seite neu laden.</p>
</body></html>
`;

/**
 * Serves the built web view from `dir` (default `defaultWebDir()`): hashed assets under
 * `/assets/` cached for a year, the pages with a strict CSP; a page saying
 * `npm run build:web` is needed (503) while the output is missing.
 */
export function webAssets(dir: string = defaultWebDir()): Router {
  const router = Router();
  const index = join(dir, 'index.html');
  // The page and its assets hold no records: public; the API calls they make are guarded.
  router.use(
    '/assets',
    requires('public'),
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  );
  const page = (_req: unknown, res: Response) => {
    res.set({
      'content-security-policy': WEB_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    if (!existsSync(index)) return void res.status(503).type('html').send(MISSING);
    res.sendFile(index);
  };
  for (const path of PAGES) router.get(path, requires('public'), page);
  return router;
}
