import { z } from 'zod';

/** The media types of taxonomy 1.0, as JSON carries them. */
export const MEDIA_TYPES = ['text', 'image', 'audio', 'music', 'video', '3d', 'metadata'] as const;

export const MediaTypeSchema = z.enum(MEDIA_TYPES);
export type MediaType = z.infer<typeof MediaTypeSchema>;

/** Media types a stage 4 output can have. */
export const OUTPUT_MEDIA_TYPES = ['image', 'audio', 'music', 'video', '3d'] as const;
export const OutputMediaTypeSchema = z.enum(OUTPUT_MEDIA_TYPES);
export type OutputMediaType = z.infer<typeof OutputMediaTypeSchema>;

const known = new Set<string>(MEDIA_TYPES);

/** True when `value` is a media type this taxonomy knows. */
export function isKnownMediaType(value: string): value is MediaType {
  return known.has(value);
}
