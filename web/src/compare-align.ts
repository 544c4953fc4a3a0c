import type { PromptStep } from './genealogy.js';
import { wordDiff, type DiffPart } from './word-diff.js';

/** One run's step in an aligned row, with its word diff to the first run's same step. */
export interface AlignedCell {
  step: PromptStep;
  /** Null for the first run, and where the first run has no such step. */
  diffToFirst: DiffPart[] | null;
}

/** One step of the genealogy across runs: a cell per run, null where a run has no such step. */
export interface AlignedRow {
  /** `original`, `translation`, `iteration:3`, `final` (a repeated kind gets `#2`, …). */
  key: string;
  kind: PromptStep['kind'];
  iteration: number | null;
  cells: (AlignedCell | null)[];
}

const RANK: Record<PromptStep['kind'], number> = {
  original: 0,
  translation: 1,
  iteration: 2,
  final: 3,
};

function keyed(steps: readonly PromptStep[]): Map<string, PromptStep> {
  const out = new Map<string, PromptStep>();
  for (const step of steps) {
    const base = step.kind === 'iteration' ? `iteration:${step.iteration ?? '?'}` : step.kind;
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base}#${n}`;
    out.set(key, step);
  }
  return out;
}

const order = (a: AlignedRow, b: AlignedRow) =>
  RANK[a.kind] - RANK[b.kind] ||
  (a.iteration ?? 0) - (b.iteration ?? 0) ||
  a.key.localeCompare(b.key, 'en', { numeric: true });

/**
 * The genealogies of several runs aligned step by step (original, translation, each round by
 * its number, final prompt), each later run's text diffed word by word against the first run's.
 */
export function alignSteps(runs: readonly (readonly PromptStep[])[]): AlignedRow[] {
  const maps = runs.map(keyed);
  const rows = new Map<string, AlignedRow>();
  for (const map of maps)
    for (const [key, step] of map)
      if (!rows.has(key))
        rows.set(key, {
          key,
          kind: step.kind,
          iteration: step.kind === 'iteration' ? step.iteration : null,
          cells: [],
        });
  for (const row of rows.values()) {
    const first = maps[0]?.get(row.key);
    row.cells = maps.map((map, n) => {
      const step = map.get(row.key);
      if (!step) return null;
      return { step, diffToFirst: n > 0 && first ? wordDiff(first.text, step.text) : null };
    });
  }
  return [...rows.values()].sort(order);
}

/** The search takes up to 8 words and 200 characters. */
const MAX_WORDS = 8;

/** A search for a prompt: its first words, as `q` takes them. */
export function promptQuery(prompt: string): string {
  return prompt
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_WORDS)
    .join(' ')
    .slice(0, 200);
}
