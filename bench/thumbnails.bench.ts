// A list page's thumbnails: 20 runs whose first output is a 1024 × 1024 PNG (the size of a
// ComfyUI image), fetched as the page does, once cold (derived and cached) and once warm (read
// from the cache); p50 and p95 per thumbnail, bytes of a thumbnail against its original.
import express from 'express';
import { mkdir, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Router } from 'express';
import sharp from 'sharp';
import { setAccessContext } from '../src/server/auth/access-guard.js';
import { HttpError } from '../src/server/http-error.js';
import { addThumbnailRoute } from '../src/server/routes/thumbnail-routes.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { buildItem, buildRecord } from './shared/record-builder.js';
import { benchDir, discardDir, fmt, percentile, report } from './stats.js';

const RUNS = Number(process.env.BENCH_THUMBNAIL_RUNS ?? 20);
const PAGES = Number(process.env.BENCH_THUMBNAIL_PAGES ?? 30);
/** A cached page of thumbnails should not hold the list back. */
const TARGET_WARM_PAGE_MILLIS = 100;

/** A 1024² PNG of coloured noise: compresses as badly as a generated picture does. */
async function picture(seed: number): Promise<Buffer> {
  const side = 1024;
  const raw = Buffer.alloc(side * side * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = (x >>> 16) & 0xff;
  }
  return sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .blur(3)
    .png()
    .toBuffer();
}

const dir = await benchDir('thumbnails-');
const store = await FileRecordStore.open(join(dir, 'executions'));
const mediaDir = join(dir, 'media');
const ids: string[] = [];
let originalBytes = 0;
for (let n = 0; n < RUNS; n++) {
  const record = buildRecord({ startMillis: Date.UTC(2026, 0, 1) + n * 1000 });
  const file = 'output_1_sd35_large.png';
  record.items.push(
    buildItem(record.items.length + 1, 'output_image', 4, {
      media_type: 'image',
      loop_iteration: 1,
      file_path: `${record.execution_id}/${file}`,
    }),
  );
  await mkdir(join(mediaDir, record.execution_id), { recursive: true });
  const png = await picture(n + 1);
  if (n === 0) originalBytes = png.length;
  await sharp(png).toFile(join(mediaDir, record.execution_id, file));
  await store.save(record);
  ids.push(record.execution_id);
}

const app = express();
app.use((_req, res, next) => (setAccessContext(res, { principal: null, open: true }), next()));
const router = Router();
addThumbnailRoute(router, {
  mediaDir,
  load: async (id) => {
    const record = id ? await store.get(id) : null;
    if (!record) throw new HttpError(404, 'not_found', 'no such run');
    return record;
  },
});
app.use('/api/executions', router);
const server = app.listen(0, '127.0.0.1');
await new Promise((ok) => server.once('listening', ok));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/executions`;

/** One list page: every thumbnail at once, as the browser asks for them; ms per thumbnail. */
async function page(): Promise<{ each: number[]; pageMillis: number; bytes: number }> {
  const started = performance.now();
  let bytes = 0;
  const each = await Promise.all(
    ids.map(async (id) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/${id}/thumbnail`);
      if (res.status !== 200) throw new Error(`thumbnail ${res.status}`);
      const size = (await res.arrayBuffer()).byteLength;
      if (id === ids[0]) bytes = size;
      return performance.now() - t0;
    }),
  );
  return { each, pageMillis: performance.now() - started, bytes };
}

const cold = await page();
const warm: number[] = [];
const warmPages: number[] = [];
for (let n = 0; n < PAGES; n++) {
  const p = await page();
  warm.push(...p.each);
  warmPages.push(p.pageMillis);
}
const cached = await stat(join(mediaDir, ids[0]!, '.thumb-128.webp'));
server.close();
await store.close?.();
await discardDir(dir);

const warmPageP95 = percentile(warmPages, 95);
report('Thumbnails of a list page', [
  {
    name: `cold page of ${RUNS} (derive + cache), whole page`,
    value: `${fmt(cold.pageMillis, 0)} ms`,
  },
  {
    name: 'cold: per thumbnail p50 / p95',
    value: `${fmt(percentile(cold.each, 50), 1)} / ${fmt(percentile(cold.each, 95), 1)} ms`,
  },
  {
    name: `warm page of ${RUNS} (cached): p50 / p95 over ${PAGES} pages`,
    value: `${fmt(percentile(warmPages, 50), 1)} / ${fmt(warmPageP95, 1)} ms`,
    target: `p95 ≤ ${TARGET_WARM_PAGE_MILLIS} ms`,
    met: warmPageP95 <= TARGET_WARM_PAGE_MILLIS,
  },
  {
    name: 'warm: per thumbnail p50 / p95 (20 at once)',
    value: `${fmt(percentile(warm, 50), 2)} / ${fmt(percentile(warm, 95), 2)} ms`,
  },
  {
    name: 'bytes of one run: thumbnail (as cached) / original 1024² PNG',
    value: `${cold.bytes} (${cached.size}) / ${originalBytes}`,
  },
]);
