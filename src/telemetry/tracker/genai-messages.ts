/**
 * The GenAI conventions' JSON shapes for instructions and messages (pure): a list of parts
 * `{ type: 'text', content }`, messages `{ role, parts }` (output messages with their
 * `finish_reason`). Serialized here once; never throws.
 */

type TextPart = { type: 'text'; content: string };

const parts = (text: string): TextPart[] => [{ type: 'text', content: text }];

/** `gen_ai.system_instructions`: the instructions as a list of text parts. */
export function systemInstructionsJson(text: string): string {
  return JSON.stringify(parts(text));
}

/** `gen_ai.input.messages`: one user message. */
export function inputMessagesJson(text: string): string {
  return JSON.stringify([{ role: 'user', parts: parts(text) }]);
}

/** `gen_ai.output.messages`: one assistant message that ended normally. */
export function outputMessagesJson(text: string): string {
  return JSON.stringify([{ role: 'assistant', parts: parts(text), finish_reason: 'stop' }]);
}
