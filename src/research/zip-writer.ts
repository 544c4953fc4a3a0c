import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

/** Where the ZIP's bytes go; resolves when the sink can take more. */
export type ByteSink = (chunk: Buffer) => Promise<void>;

/** Options of one entry. */
export interface ZipEntryOptions {
  /** Deflate the entry (node:zlib) or store it as is (already compressed data); default true. */
  deflate?: boolean;
}

interface CentralEntry {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

const U32 = 0xffffffff;
const FLAGS = 0x0008 | 0x0800; // sizes in a data descriptor; UTF-8 names

function dosDateTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * A streaming ZIP writer: each entry is written as its bytes arrive (sizes and CRC-32 follow in
 * a data descriptor), so nothing is held in memory; Zip64 fields are written only when a size,
 * an offset or the entry count needs them.
 * NOTE: a single entry over 4 GiB gets a 64-bit data descriptor without a Zip64 local field:
 * readers that use the central directory (most) read it; strict streaming readers may not.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly stamp: { time: number; date: number };

  constructor(
    private readonly sink: ByteSink,
    modified: Date = new Date(),
  ) {
    this.stamp = dosDateTime(modified);
  }

  private async emit(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    await this.sink(chunk);
  }

  /** Adds one entry from its bytes; entries are written one after another. */
  async add(name: string, source: ByteSource, options: ZipEntryOptions = {}): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    const method = options.deflate === false ? 0 : 8;
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    // crc and sizes (14..25) stay 0: they follow in the data descriptor
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    await this.emit(Buffer.concat([header, nameBytes]));

    let crc = 0;
    let size = 0;
    let compressed = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
        if (b.length === 0) continue;
        crc = crc32(b, crc);
        size += b.length;
        yield b;
      }
    }
    if (method === 0) {
      for await (const b of counted()) {
        compressed += b.length;
        await this.emit(b);
      }
    } else {
      const deflate = createDeflateRaw({ level: 6 });
      const feeding = pipeline(Readable.from(counted()), deflate);
      feeding.catch(() => {}); // surfaced through the iteration below and the await after it
      for await (const out of deflate as AsyncIterable<Buffer>) {
        compressed += out.length;
        await this.emit(out);
      }
      await feeding;
    }

    const wide = size >= U32 || compressed >= U32;
    const descriptor = Buffer.alloc(wide ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    if (wide) {
      descriptor.writeBigUInt64LE(BigInt(compressed), 8);
      descriptor.writeBigUInt64LE(BigInt(size), 16);
    } else {
      descriptor.writeUInt32LE(compressed, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    await this.emit(descriptor);
    this.entries.push({ name: nameBytes, method, crc: crc >>> 0, compressed, size, offset });
  }

  /** Writes the central directory and the end records; the ZIP is complete after this. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) await this.emit(this.centralHeader(e));
    const cdSize = this.offset - start;
    const count = this.entries.length;
    if (start >= U32 || cdSize >= U32 || count >= 0xffff) {
      const zip64End = Buffer.alloc(56);
      zip64End.writeUInt32LE(0x06064b50, 0);
      zip64End.writeBigUInt64LE(44n, 4);
      zip64End.writeUInt16LE(45, 12);
      zip64End.writeUInt16LE(45, 14);
      zip64End.writeBigUInt64LE(BigInt(count), 24);
      zip64End.writeBigUInt64LE(BigInt(count), 32);
      zip64End.writeBigUInt64LE(BigInt(cdSize), 40);
      zip64End.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.emit(Buffer.concat([zip64End, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(Math.min(cdSize, U32), 12);
    end.writeUInt32LE(Math.min(start, U32), 16);
    await this.emit(end);
  }

  private centralHeader(e: CentralEntry): Buffer {
    const extras: bigint[] = [];
    if (e.size >= U32) extras.push(BigInt(e.size));
    if (e.compressed >= U32) extras.push(BigInt(e.compressed));
    if (e.offset >= U32) extras.push(BigInt(e.offset));
    const extra = Buffer.alloc(extras.length ? 4 + 8 * extras.length : 0);
    if (extras.length) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8 * extras.length, 2);
      extras.forEach((v, i) => extra.writeBigUInt64LE(v, 4 + 8 * i));
    }
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, spec 4.5
    h.writeUInt16LE(extras.length ? 45 : 20, 6);
    h.writeUInt16LE(FLAGS, 8);
    h.writeUInt16LE(e.method, 10);
    h.writeUInt16LE(this.stamp.time, 12);
    h.writeUInt16LE(this.stamp.date, 14);
    h.writeUInt32LE(e.crc, 16);
    h.writeUInt32LE(Math.min(e.compressed, U32), 20);
    h.writeUInt32LE(Math.min(e.size, U32), 24);
    h.writeUInt16LE(e.name.length, 28);
    h.writeUInt16LE(extra.length, 30);
    h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
    h.writeUInt32LE(Math.min(e.offset, U32), 42);
    return Buffer.concat([h, e.name, extra]);
  }
}

/** Bytes of one entry or file, as they are produced. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
