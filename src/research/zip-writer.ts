import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

/** Where the ZIP's bytes go; resolves when the sink can take more. */
export type ByteSink = (chunk: Buffer) => Promise<void>;

/** Options of one entry. */
export interface ZipEntryOptions {
  /** Deflate the entry or store it as is (already compressed data); default true. */
  deflate?: boolean;
}

/** Bytes of one entry or file, as they are produced. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

async function* buffers(source: ByteSource): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (b.length > 0) yield b;
  }
}

/**
 * A streaming ZIP writer over yazl: each entry is read from its source when its turn comes and
 * written as its bytes arrive (sizes and CRC-32 follow in a data descriptor; Zip64 where a size
 * or offset needs it), so nothing is held in memory; the sink's pace holds the sources back.
 */
export class ZipWriter {
  private readonly zip = new ZipFile();
  private readonly pumped: Promise<void>;
  private failure: Error | undefined;

  constructor(
    sink: ByteSink,
    private readonly modified: Date = new Date(),
  ) {
    this.zip.on('error', (error: Error) => (this.failure ??= error));
    this.pumped = (async () => {
      for await (const chunk of this.zip.outputStream as AsyncIterable<Buffer>) await sink(chunk);
    })();
    this.pumped.catch((error: Error) => (this.failure ??= error));
  }

  /** Adds one entry from its bytes; resolves once they are all read (entries go in order). */
  async add(name: string, source: ByteSource, options: ZipEntryOptions = {}): Promise<void> {
    if (this.failure) throw this.failure;
    const readable = Readable.from(buffers(source));
    const read = new Promise<void>((ok, fail) => {
      readable.once('end', ok);
      readable.once('error', fail);
    });
    this.zip.addReadStreamLazy(
      name,
      { mtime: this.modified, compress: options.deflate !== false },
      (give) => give(null, readable),
    );
    const sinkFailed = this.pumped.then(() => {
      throw new Error('the ZIP ended before the entry was written');
    });
    sinkFailed.catch(() => {});
    await Promise.race([read, sinkFailed]);
  }

  /** Writes the central directory and the end records; the ZIP is complete after this. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.zip.end();
    await this.pumped;
    if (this.failure) throw this.failure;
  }
}
