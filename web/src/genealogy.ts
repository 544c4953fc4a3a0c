import type { Item } from './types.js';
import { wordDiff, type DiffPart } from './word-diff.js';

/** One generation of the prompt, from the child's text to the final prompt. */
export interface PromptStep {
  kind: 'original' | 'translation' | 'iteration' | 'final';
  sequence: number;
  text: string;
  iteration: number | null;
  fromLang: string | null;
  toLang: string | null;
  model: string | null;
  backend: string | null;
  seconds: number | null;
  /** Word-level diff to the step before; null for the original. */
  diff: DiffPart[] | null;
}

const KINDS: Record<string, PromptStep['kind']> = {
  user_input_text: 'original',
  translation_result: 'translation',
  interception_iteration: 'iteration',
  interception_final: 'final',
};

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The prompt's genealogy: original → translation → each iteration → final text. */
export function genealogy(items: readonly Item[]): PromptStep[] {
  const steps: PromptStep[] = [];
  const ordered = [...items].sort((a, b) => a.sequence_number - b.sequence_number);
  for (const item of ordered) {
    const kind = KINDS[item.item_type];
    if (!kind || item.content == null) continue;
    const before = steps.at(-1);
    steps.push({
      kind,
      sequence: item.sequence_number,
      text: item.content,
      iteration: item.stage_iteration,
      fromLang:
        str(item.metadata.from_lang) ??
        (kind === 'original' ? str(item.metadata.input_language) : null),
      toLang: str(item.metadata.to_lang),
      model: item.model_used,
      backend: item.backend_type,
      seconds: item.execution_time,
      diff: before ? wordDiff(before.text, item.content) : null,
    });
  }
  return steps;
}
