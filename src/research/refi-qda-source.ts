import { createHash } from 'node:crypto';
import type { ExecutionItem } from '../domain/execution-item.js';
import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';

/** A REFI-QDA GUID derived from a name (stable across exports of the same data). */
export function qdaGuid(...name: (string | number)[]): string {
  const h = createHash('sha256').update(name.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The genealogy of a run as plain text, and where each item's line sits in it. */
export interface RunText {
  text: string;
  /** Per sequence number: the item line's start and end, in characters (code points). */
  lines: Map<number, { start: number; end: number }>;
}

const chars = (s: string): number => [...s].length;

function where(i: ExecutionItem): string {
  const parts = [`stage ${i.stage}`];
  if (i.stage_iteration !== null) parts.push(`iteration ${i.stage_iteration}`);
  if (i.loop_iteration !== null) parts.push(`output ${i.loop_iteration}`);
  const from = i.metadata.from_lang;
  const to = i.metadata.to_lang;
  if (typeof from === 'string' && typeof to === 'string') parts.push(`${from}→${to}`);
  const tool = [i.backend_type, i.model_used].filter((x) => x !== null).join(' ');
  if (tool) parts.push(tool);
  return parts.join(', ');
}

function body(i: ExecutionItem, mediaName: (i: ExecutionItem) => string | null): string {
  if (i.content !== null) return i.content.replace(/\r\n?/g, '\n').replace(/\n/g, ' ⏎ ');
  if (i.file_path !== null) return `[${i.media_type}: ${mediaName(i) ?? 'file not exported'}]`;
  const reason = i.metadata.blocked_reason;
  return typeof reason === 'string' ? `[${reason}]` : '';
}

/**
 * The text source of a run: a header line (id, config, level, status, study, condition), then
 * one line per item with text, a file or a block — the prompt's genealogy from the child's words
 * through translation and every Stille Post round to the outputs. Item metadata is left out.
 */
export function runText(
  record: ExecutionRecord,
  mediaName: (i: ExecutionItem) => string | null = () => null,
): RunText {
  const header = [
    `Run ${record.execution_id}`,
    `config ${record.config_name}`,
    `level ${record.safety_level}`,
    `status ${effectiveStatus(record)}`,
    ...(record.study_id ? [`study ${record.study_id}`] : []),
    ...(record.condition ? [`condition ${record.condition}`] : []),
  ].join(' · ');
  let text = `${header}\n`;
  let at = chars(text);
  const lines = new Map<number, { start: number; end: number }>();
  for (const i of record.items) {
    const b = body(i, mediaName);
    if (b === '') continue;
    const line = `[${i.sequence_number}] ${i.item_type} (${where(i)}): ${b}`;
    lines.set(i.sequence_number, { start: at, end: at + chars(line) });
    text += `${line}\n`;
    at += chars(line) + 1;
  }
  return { text, lines };
}
