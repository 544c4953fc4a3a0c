import { z } from 'zod';
import { ITEM_TYPES } from '../domain/item-type.js';

/** A text in both languages of the platform. */
export const LabelsSchema = z.strictObject({ de: z.string().min(1), en: z.string().min(1) });
export type Labels = z.infer<typeof LabelsSchema>;

/** How a rubric item is judged; nominal, ordinal and interval items have an agreement figure. */
export const RubricItemTypeSchema = z.enum(['nominal', 'ordinal', 'interval', 'boolean', 'text']);
export type RubricItemType = z.infer<typeof RubricItemTypeSchema>;

/** What a rubric item judges: the whole run, one output, or one item of a type. */
export const RubricScopeSchema = z.enum(['run', 'output', ...ITEM_TYPES]);
export type RubricScope = z.infer<typeof RubricScopeSchema>;

/** One choice of a nominal or ordinal item. */
export const RubricValueSchema = z.strictObject({ value: z.string().min(1), labels: LabelsSchema });

const KEY = /^[a-z][a-z0-9_]{0,63}$/;

/** One question of a rubric. */
export const RubricItemSchema = z
  .strictObject({
    key: z.string().regex(KEY, 'lower-case letters, digits and _, starting with a letter'),
    type: RubricItemTypeSchema,
    scope: RubricScopeSchema,
    labels: LabelsSchema,
    /** Nominal and ordinal items: the choices (ordinal: lowest first). */
    values: z.array(RubricValueSchema).min(2).optional(),
    /** Interval items: the smallest and largest value allowed. */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((item, ctx) => {
    const categorical = item.type === 'nominal' || item.type === 'ordinal';
    if (categorical && !item.values)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `a ${item.type} item needs values`,
      });
    if (!categorical && item.values)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `a ${item.type} item has no values`,
      });
    const values = item.values?.map((v) => v.value) ?? [];
    if (new Set(values).size !== values.length)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'values repeat' });
    if (item.type !== 'interval' && (item.min !== undefined || item.max !== undefined))
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'only interval items have min/max' });
    if (item.min !== undefined && item.max !== undefined && item.min > item.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'max is below min' });
  });
export type RubricItem = z.infer<typeof RubricItemSchema>;

/** A rubric (`configs/rubrics/<id>.json`): versioned questions researchers judge runs by. */
export const RubricSchema = z
  .strictObject({
    id: z.string().regex(KEY, 'lower-case letters, digits and _, starting with a letter'),
    /** Stored with every annotation; change it whenever the items change. */
    version: z.string().min(1).max(64),
    labels: LabelsSchema,
    description: LabelsSchema.optional(),
    items: z.array(RubricItemSchema).min(1),
  })
  .superRefine((rubric, ctx) => {
    const keys = rubric.items.map((i) => i.key);
    const repeated = keys.filter((k, n) => keys.indexOf(k) !== n);
    if (repeated.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['items'],
        message: `keys repeat: ${repeated.join(', ')}`,
      });
  });
export type Rubric = z.infer<typeof RubricSchema>;

/** The rubrics by id. */
export type Rubrics = ReadonlyMap<string, Rubric>;
