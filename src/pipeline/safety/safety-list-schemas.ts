import { z } from 'zod';
import { CHECKED_SAFETY_LEVELS } from '../../domain/safety-level.js';

/** The safety categories every list and answer names. */
export const SAFETY_CATEGORIES = [
  'violence',
  'weapons',
  'sexual',
  'drugs',
  'self_harm',
  'horror',
  'hate',
] as const;
export const SafetyCategorySchema = z.enum(SAFETY_CATEGORIES);
export type SafetyCategory = z.infer<typeof SafetyCategorySchema>;

/** A term: words, each with `*` only at its start or end (`*gewehr*`, `blut*`, `sieg heil`). */
export const TermSchema = z
  .string()
  .trim()
  .min(1)
  .regex(/^\*?[^*\s]+\*?(\s+\*?[^*\s]+\*?)*$/u, 'a word of a term has * only at its start or end');

const TermList = z.array(TermSchema);

/** Text in German and English. */
export const BilingualSchema = z.strictObject({ de: z.string().min(1), en: z.string().min(1) });

/** Terms of one category, per language (`any`: symbols and emoji). */
export const CategoryTermsSchema = z.strictObject({
  de: TermList.default([]),
  en: TermList.default([]),
  any: TermList.default([]),
});

/** A safety level's list: its own terms by category, plus every term of the level it includes. */
export const LevelListSchema = z.strictObject({
  level: z.enum(CHECKED_SAFETY_LEVELS),
  description: z.string(),
  /** The less strict level whose terms this level blocks too (kids includes youth). */
  includes: z.enum(CHECKED_SAFETY_LEVELS).optional(),
  categories: z.partialRecord(SafetyCategorySchema, CategoryTermsSchema),
});
export type LevelList = z.infer<typeof LevelListSchema>;

/** What the child and the teacher are told about a category. */
export const CategoryInfoSchema = z.strictObject({
  label: BilingualSchema,
  explanation: BilingualSchema,
});

export const CategoriesFileSchema = z.strictObject({
  description: z.string(),
  categories: z.record(SafetyCategorySchema, CategoryInfoSchema),
});
export type CategoriesFile = z.infer<typeof CategoriesFileSchema>;

/** Harmless words per language that contain a listed term ("Blutorange", "killer whale"). */
export const AllowFileSchema = z.strictObject({
  description: z.string(),
  de: TermList,
  en: TermList,
});
export type AllowFile = z.infer<typeof AllowFileSchema>;

/** Words of a language that another language's terms must not match ("war" in German). */
export const HomographsFileSchema = z.strictObject({
  description: z.string(),
  de: z.array(z.string().min(1)),
  en: z.array(z.string().min(1)),
});
export type HomographsFile = z.infer<typeof HomographsFileSchema>;
