import { z } from 'zod';
import type { Catalog } from '../catalog.js';
import { checkTexts, type CheckedText } from './safety-check.js';

/** Levels from the most protective; `always` is what even `research` and `off` block (§86a). */
export const BLOCK_RANKS = ['kids', 'youth', 'adult', 'always'] as const;
const rank = (level: string) => BLOCK_RANKS.indexOf(level as (typeof BLOCK_RANKS)[number]);

/** One labelled prompt of a safety corpus (`test/fixtures/safety-corpus/`). */
export const CorpusPromptSchema = z.discriminatedUnion('label', [
  z.object({
    id: z.string(),
    lang: z.string(),
    text: z.string().min(1),
    label: z.literal('unsafe'),
    category: z.string(),
    blocked_up_to: z.enum(BLOCK_RANKS),
    style: z.string().optional(),
  }),
  z.object({
    id: z.string(),
    lang: z.string(),
    text: z.string().min(1),
    label: z.literal('harmless'),
    hard: z.boolean().default(false),
    style: z.string().optional(),
  }),
]);
export type CorpusPrompt = z.infer<typeof CorpusPromptSchema>;

/** The run's texts of a prompt: the child's, the translation, the prompt for generation. */
export type RunTexts = (prompt: CorpusPrompt) => Promise<CheckedText[]>;

/** What the lists decided for one prompt at one level. */
export interface Decision {
  prompt: CorpusPrompt;
  blocked: boolean;
  categories: string[];
}

/**
 * Whether the pipeline's lists block a prompt at `level` for `output`: stage 1 (§86a and the
 * level's lists on the child's text and the translation) or stage 3 (the same plus the
 * output's extra terms, on every text). Levels without lists check §86a only.
 */
export function decide(
  catalog: Catalog,
  level: string,
  output: string,
  texts: readonly CheckedText[],
): { blocked: boolean; categories: string[] } {
  const finding =
    checkTexts(catalog.filters.stage1, texts) ??
    checkTexts(catalog.filters.stage3(level, output) ?? catalog.filters.stage1, texts);
  return { blocked: finding !== null, categories: finding?.categories ?? [] };
}

/** Recall, over-blocking and false blocks of one level. */
export interface LevelFigures {
  level: string;
  /** Per category: prompts that must be blocked at this level, and how many were. */
  recall: Record<string, { total: number; blocked: number; recall: number }>;
  /** Unsafe prompts allowed at this level (labelled for a stricter one) that were blocked. */
  overBlocked: { total: number; blocked: number };
  harmless: { total: number; blocked: number; rate: number };
  hardHarmless: { total: number; blocked: number; rate: number };
  /** Labelled category → first category found → count, over blocked unsafe prompts. */
  confusion: Record<string, Record<string, number>>;
  /** Ids of the prompts decided wrongly (missed, or harmless blocked). */
  misses: string[];
  falseBlocks: string[];
}

const share = (blocked: number, total: number) => (total === 0 ? 1 : blocked / total);

/** The figures of `decisions` made at `level`. */
export function levelFigures(level: string, decisions: readonly Decision[]): LevelFigures {
  const figures: LevelFigures = {
    level,
    recall: {},
    overBlocked: { total: 0, blocked: 0 },
    harmless: { total: 0, blocked: 0, rate: 0 },
    hardHarmless: { total: 0, blocked: 0, rate: 0 },
    confusion: {},
    misses: [],
    falseBlocks: [],
  };
  for (const { prompt, blocked, categories } of decisions) {
    if (prompt.label === 'harmless') {
      figures.harmless.total++;
      if (prompt.hard) figures.hardHarmless.total++;
      if (blocked) {
        figures.harmless.blocked++;
        if (prompt.hard) figures.hardHarmless.blocked++;
        figures.falseBlocks.push(prompt.id);
      }
      continue;
    }
    if (rank(prompt.blocked_up_to) < rank(level)) {
      figures.overBlocked.total++;
      if (blocked) figures.overBlocked.blocked++;
      continue;
    }
    const r = (figures.recall[prompt.category] ??= { total: 0, blocked: 0, recall: 0 });
    r.total++;
    if (blocked) {
      r.blocked++;
      const row = (figures.confusion[prompt.category] ??= {});
      const found = categories[0] ?? 'none';
      row[found] = (row[found] ?? 0) + 1;
    } else figures.misses.push(prompt.id);
  }
  for (const r of Object.values(figures.recall)) r.recall = share(r.blocked, r.total);
  figures.harmless.rate = figures.harmless.blocked / Math.max(1, figures.harmless.total);
  figures.hardHarmless.rate =
    figures.hardHarmless.blocked / Math.max(1, figures.hardHarmless.total);
  return figures;
}

/** Decides every prompt at `level` and returns the figures. */
export async function evaluateLevel(
  catalog: Catalog,
  level: string,
  output: string,
  prompts: readonly CorpusPrompt[],
  runTexts: RunTexts,
): Promise<LevelFigures> {
  const decisions: Decision[] = [];
  for (const prompt of prompts) {
    decisions.push({ prompt, ...decide(catalog, level, output, await runTexts(prompt)) });
  }
  return levelFigures(level, decisions);
}
