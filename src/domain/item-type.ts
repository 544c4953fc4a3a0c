import { z } from 'zod';
import type { OutputMediaType } from './media-type.js';

/** The 19 item types of taxonomy 1.0. */
export const ITEM_TYPES = [
  'user_input_text',
  'user_input_image',
  'translation_result',
  'stage1_safety_check',
  'stage1_safety_check_image',
  'stage1_blocked',
  'interception_iteration',
  'interception_final',
  'stage3_safety_check',
  'stage3_blocked',
  'output_image',
  'output_audio',
  'output_music',
  'output_video',
  'output_3d',
  'pipeline_start',
  'pipeline_complete',
  'pipeline_error',
  'stage_transition',
] as const;

export const ItemTypeSchema = z.enum(ITEM_TYPES);
export type ItemType = z.infer<typeof ItemTypeSchema>;

/** The item type that records a stage 4 output of the given medium. */
export const OUTPUT_ITEM_TYPE: Readonly<Record<OutputMediaType, ItemType>> = {
  image: 'output_image',
  audio: 'output_audio',
  music: 'output_music',
  video: 'output_video',
  '3d': 'output_3d',
};

const known = new Set<string>(ITEM_TYPES);

/** True when `value` is an item type this taxonomy knows. */
export function isKnownItemType(value: string): value is ItemType {
  return known.has(value);
}
