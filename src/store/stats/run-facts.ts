import type { ExecutionItem } from '../../domain/execution-item.js';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { scaledSimilarity } from './text-similarity.js';

/** The pipeline stages whose durations the study overview shows. */
export const TIMED_STAGES = [1, 2, 3, 4] as const;

/**
 * What the study overview counts of one run, computed once when the run is saved (both
 * stores keep it beside the run's summary), so stats never read a record.
 */
export interface RunFacts {
  /** True when a safety check blocked the run or one of its outputs (stage 1 or 3). */
  blocked: boolean;
  /** The stage of the first block (1 or 3); null when not blocked. */
  blockStage: number | null;
  /** The category of the first block (`weapons`, …; `unknown` when it names none); null when not blocked. */
  blockCategory: string | null;
  /** Per stage 1–4, the summed `execution_time` of its items in whole microseconds; null: none timed. */
  stageMicros: (number | null)[];
  /** Output items (`output_*`) per media type, media types in first-seen order. */
  outputs: { mediaType: string; count: number }[];
  /**
   * Stille Post drift: per interception iteration 1…n, the trigram cosine similarity of its
   * text to the translated original (`translation_result`), in millionths; null where either
   * text is missing or withheld. Empty for runs without iterations.
   */
  drift: (number | null)[];
}

const BLOCK_ITEMS: Record<string, number> = { stage1_blocked: 1, stage3_blocked: 3 };

function category(item: ExecutionItem): string {
  const m = item.metadata;
  if (typeof m.category === 'string' && m.category) return m.category;
  const codes = m.blocked_codes;
  if (Array.isArray(codes) && typeof codes[0] === 'string' && codes[0]) return codes[0];
  return 'unknown';
}

function driftOf(items: readonly ExecutionItem[]): (number | null)[] {
  const original = items.find((i) => i.item_type === 'translation_result')?.content ?? null;
  const rounds: (number | null)[] = [];
  for (const item of items) {
    if (item.item_type !== 'interception_iteration' || item.stage_iteration === null) continue;
    const n = item.stage_iteration;
    if (n < 1 || n > 1_000) continue;
    while (rounds.length < n) rounds.push(null);
    rounds[n - 1] =
      original !== null && item.content !== null ? scaledSimilarity(item.content, original) : null;
  }
  return rounds;
}

/** The facts of `record` (pure; never throws on a well-formed record). */
export function runFacts(record: ExecutionRecord): RunFacts {
  const block = record.items.find((i) => BLOCK_ITEMS[i.item_type] !== undefined);
  const seconds = new Map<number, number>();
  const outputs = new Map<string, number>();
  for (const item of record.items) {
    if (item.execution_time !== null && (TIMED_STAGES as readonly number[]).includes(item.stage))
      seconds.set(item.stage, (seconds.get(item.stage) ?? 0) + item.execution_time);
    if (item.item_type.startsWith('output_'))
      outputs.set(item.media_type, (outputs.get(item.media_type) ?? 0) + 1);
  }
  return {
    blocked: block !== undefined,
    blockStage: block ? BLOCK_ITEMS[block.item_type]! : null,
    blockCategory: block ? category(block) : null,
    stageMicros: TIMED_STAGES.map((s) => {
      const total = seconds.get(s);
      return total === undefined ? null : Math.round(total * 1_000_000);
    }),
    outputs: [...outputs].map(([mediaType, count]) => ({ mediaType, count })),
    drift: driftOf(record.items),
  };
}
