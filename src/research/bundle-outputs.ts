import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BundleOutput } from './research-bundle.js';
import { ZipWriter, type ByteSink } from './zip-writer.js';

/** Writes each bundle file into `dir` (created if needed; `media/…` into its sub-folder). */
export function folderOutput(dir: string): BundleOutput {
  return {
    async file(name, bytes) {
      const path = join(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await pipeline(Readable.from(bytes), createWriteStream(path));
    },
  };
}

/** Writes each bundle file as an entry of a ZIP streamed to `sink`; `finish` closes the ZIP. */
export function zipOutput(
  sink: ByteSink,
  modified?: Date,
): BundleOutput & { finish(): Promise<void> } {
  const zip = new ZipWriter(sink, modified);
  return {
    file: (name, bytes, compressed) => zip.add(name, bytes, { deflate: !compressed }),
    finish: () => zip.finish(),
  };
}
