import { extname } from 'node:path';

/**
 * Media types served inline, by file extension: images, sounds, videos and 3D models that a
 * browser cannot run as script. Any other file (`.svg`, `.html`, `.xml`, `.js`, unknown) is
 * served as a download of `application/octet-stream`.
 */
export const INLINE_MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.apng': 'image/apng',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.ogv': 'video/ogg',
  '.glb': 'model/gltf-binary',
  '.obj': 'model/obj',
  '.stl': 'model/stl',
};

/** Sent with every media file: no sniffing, no script, no plugins, no embedding origin. */
export const MEDIA_CSP = "default-src 'none'; sandbox";

/**
 * The headers a media file is served with (pure): `nosniff` and a strict CSP always; a known
 * media type inline, anything else as an attachment of `application/octet-stream`.
 */
export function mediaHeaders(fileName: string): Record<string, string> {
  const inline = INLINE_MEDIA_TYPES[extname(fileName).toLowerCase()];
  return {
    'x-content-type-options': 'nosniff',
    'content-security-policy': MEDIA_CSP,
    ...(inline
      ? { 'content-type': inline, 'content-disposition': 'inline' }
      : {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${fileName}"`,
        }),
  };
}
