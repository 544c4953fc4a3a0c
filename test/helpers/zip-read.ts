import { crc32, inflateRawSync } from 'node:zlib';

/** One entry of a ZIP read back, its CRC-32 checked. */
export interface ZipEntry {
  name: string;
  method: number;
  data: Buffer;
}

/**
 * Reads a whole ZIP by its central directory (with Zip64 fields), inflates each entry and
 * checks its CRC-32 and size; throws on anything inconsistent.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header ${n}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    let compressed = zip.readUInt32LE(at + 20);
    let size = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    let offset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    const extra = zip.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen);
    if (extra.length >= 4 && extra.readUInt16LE(0) === 1) {
      let e = 4;
      if (size === 0xffffffff) {
        size = Number(extra.readBigUInt64LE(e));
        e += 8;
      }
      if (compressed === 0xffffffff) {
        compressed = Number(extra.readBigUInt64LE(e));
        e += 8;
      }
      if (offset === 0xffffffff) offset = Number(extra.readBigUInt64LE(e));
    }
    at += 46 + nameLen + extraLen + commentLen;
    if (zip.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header of ${name}`);
    const localName = zip.readUInt16LE(offset + 26);
    const localExtra = zip.readUInt16LE(offset + 28);
    const start = offset + 30 + localName + localExtra;
    const raw = zip.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (data.length !== size) throw new Error(`${name}: size ${data.length} != ${size}`);
    if (crc32(data) >>> 0 !== crc) throw new Error(`${name}: CRC mismatch`);
    const descriptor = zip.readUInt32LE(start + compressed);
    if (descriptor !== 0x08074b50) throw new Error(`${name}: no data descriptor`);
    entries.push({ name, method, data });
  }
  return entries;
}
