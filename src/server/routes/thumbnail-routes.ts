import type { Router } from 'express';
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { isExecutionId } from '../../domain/execution-id.js';
import { firstVisualOutput } from '../../domain/visual-output.js';
import { requires } from '../auth/access-guard.js';
import { HttpError } from '../http-error.js';
import { MEDIA_CSP } from '../media-headers.js';
import { NoQuerySchema, parseQuery } from './list-query.js';

/** Longest side of a list thumbnail, in pixels (twice the 64 px it is shown at, for sharp screens). */
export const THUMBNAIL_PIXELS = 128;
/** A plain media file name, as the media route accepts it. */
const MEDIA_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Sources larger than this are not decoded for a list (a 40-megapixel image is not a thumbnail). */
const MAX_SOURCE_PIXELS = 40_000_000;

/** What the thumbnail route needs. */
export interface ThumbnailRouteOptions {
  /** Reads one record (400/404 as HTTP errors). */
  load: (id: string | undefined) => Promise<ExecutionRecord>;
  mediaDir: string;
}

/** A small WebP of `source`: the longest side `THUMBNAIL_PIXELS`, first frame, no metadata. */
export async function deriveThumbnail(source: Buffer): Promise<Buffer> {
  return sharp(source, { limitInputPixels: MAX_SOURCE_PIXELS, animated: false })
    .rotate()
    .resize(THUMBNAIL_PIXELS, THUMBNAIL_PIXELS, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70 })
    .toBuffer();
}

/**
 * Where a run's thumbnail is cached: beside its media, as a dotfile (which the media route never
 * serves), so deleting or erasing the run's media removes it too.
 */
const cacheOf = (mediaDir: string, id: string) =>
  join(mediaDir, id, `.thumb-${THUMBNAIL_PIXELS}.webp`);

/** Derives the thumbnail of a run's first output file and caches it. */
async function deriveAndCache(mediaDir: string, id: string, file: string): Promise<Buffer> {
  const cache = cacheOf(mediaDir, id);
  const source = await readFile(join(mediaDir, id, file)).catch(() => {
    throw new HttpError(404, 'no_thumbnail', 'the output file of this run is gone');
  });
  const thumb = await deriveThumbnail(source).catch(() => {
    throw new HttpError(404, 'no_thumbnail', 'the first output is no image a thumbnail is made of');
  });
  const partial = `${cache}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(partial, thumb);
    await rename(partial, cache);
  } catch {
    await rm(partial, { force: true }); // a cache that cannot be written is no error
  }
  return thumb;
}

/**
 * `GET /:id/thumbnail`: a small derived WebP of the run's first image or video output, for
 * lists (never the original bytes). Same role as the media route; 404 `no_thumbnail` for a run
 * without such an output.
 */
export function addThumbnailRoute(router: Router, options: ThumbnailRouteOptions): void {
  router.get('/:id/thumbnail', requires('viewer'), async (req, res) => {
    parseQuery(req.query, NoQuerySchema);
    const id = req.params.id;
    // A cached thumbnail answers without reading the record (a list asks for 20 at once).
    let thumb = isExecutionId(id)
      ? await readFile(cacheOf(options.mediaDir, id)).catch(() => null)
      : null;
    if (!thumb) {
      const record = await options.load(id);
      const output = firstVisualOutput(record);
      if (!output)
        throw new HttpError(404, 'no_thumbnail', 'this run has no image or video output');
      const file = basename(output.file_path!.replaceAll('\\', '/'));
      if (!MEDIA_FILE.test(file))
        throw new HttpError(404, 'no_thumbnail', 'the first output has no servable file name');
      thumb = await deriveAndCache(options.mediaDir, record.execution_id, file);
    }
    res
      .set({
        'content-type': 'image/webp',
        'cache-control': 'private, max-age=86400',
        'x-content-type-options': 'nosniff',
        'content-security-policy': MEDIA_CSP,
      })
      .send(thumb);
  });
}
