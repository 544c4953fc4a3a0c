import { z } from 'zod';

/** A judgment's value: a category (nominal, ordinal), a number (interval), a yes/no or a text. */
export const AnnotationValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type AnnotationValue = z.infer<typeof AnnotationValueSchema>;

/** What an annotation judges inside a run: one item (`sequence_number`) or one output (`loop_iteration`). */
export const AnnotationTargetSchema = z.union([
  z.strictObject({ sequence_number: z.number().int().positive() }),
  z.strictObject({ loop_iteration: z.number().int().nonnegative() }),
]);
export type AnnotationTarget = z.infer<typeof AnnotationTargetSchema>;

/** One earlier state of an annotation: who changed or deleted it, when, and what it said before. */
export const AnnotationChangeSchema = z.object({
  action: z.enum(['updated', 'deleted']),
  by: z.string(),
  at: z.string(),
  old_value: AnnotationValueSchema,
  old_note: z.string().nullable(),
});
export type AnnotationChange = z.infer<typeof AnnotationChangeSchema>;

/** The shape of an annotation id: `ann_` and 16 hex digits. */
export const ANNOTATION_ID = /^ann_[0-9a-f]{16}$/;

/**
 * One reviewer's judgment of a run (or of an item or output in it) on one rubric item, with
 * the rubric's version it was made under and every earlier state (`history`). A deleted
 * annotation keeps its history (`deleted_at` set) until its run is erased.
 */
export const AnnotationSchema = z.object({
  annotation_id: z.string().regex(ANNOTATION_ID),
  execution_id: z.string(),
  rubric: z.string(),
  rubric_version: z.string(),
  key: z.string(),
  target: AnnotationTargetSchema.nullable(),
  value: AnnotationValueSchema,
  note: z.string().nullable(),
  reviewer: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  deleted_at: z.string().nullable(),
  history: z.array(AnnotationChangeSchema),
});
export type Annotation = z.infer<typeof AnnotationSchema>;
