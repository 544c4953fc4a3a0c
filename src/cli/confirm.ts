import { createInterface } from 'node:readline';

/** Where a question's answer comes from: a readable stream, a terminal or not. */
export type AnswerStream = NodeJS.ReadableStream & { isTTY?: boolean };

/**
 * Writes `question` to `prompt` and reads one line from `input`; true for `y` or `yes` (any
 * case), false for anything else or an input that ends first.
 */
export async function confirm(
  input: AnswerStream,
  prompt: { write(text: string): unknown },
  question: string,
): Promise<boolean> {
  prompt.write(`${question} [y/N] `);
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    lines.close();
  }
}
