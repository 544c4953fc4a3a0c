import { z } from 'zod';
import type { ExecutionItem } from './execution-item.js';

/** A run's model token totals: the sums of its items' `input_tokens` and `output_tokens`. */
export const TokenUsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  /** Items that reported a count (one per model call). */
  calls: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

const count = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;

/** The token counts an item's metadata reports, null each when absent. */
export function itemTokens(item: Pick<ExecutionItem, 'metadata'>): {
  input: number | null;
  output: number | null;
} {
  return { input: count(item.metadata.input_tokens), output: count(item.metadata.output_tokens) };
}

/** The run totals of `items` (pure); null when no item reported a token count. */
export function tokenUsage(items: readonly Pick<ExecutionItem, 'metadata'>[]): TokenUsage | null {
  let input = 0;
  let output = 0;
  let calls = 0;
  for (const item of items) {
    const t = itemTokens(item);
    if (t.input === null && t.output === null) continue;
    input += t.input ?? 0;
    output += t.output ?? 0;
    calls += 1;
  }
  return calls === 0 ? null : { input_tokens: input, output_tokens: output, calls };
}
