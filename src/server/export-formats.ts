import type { ExecutionRecord } from '../domain/execution-record.js';

const INVALID_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const el = (name: string, value: unknown, indent: string): string =>
  `${indent}<${name}>${esc(value)}</${name}>`;

/**
 * The platform's legacy XML export of one run: `<export><session>` with id, user, timestamp,
 * workflow, seed, safety level, original and translated prompt, and the outputs in order.
 */
export function recordToXml(record: ExecutionRecord): string {
  const first = (type: string) => record.items.find((i) => i.item_type === type);
  const outputs = record.items.filter((i) => i.item_type.startsWith('output_'));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<export>',
    '  <session>',
    el('id', record.execution_id, '    '),
    el('user', record.user_id, '    '),
    el('session_id', record.session_id, '    '),
    el('timestamp', record.timestamp, '    '),
    el('workflow', record.config_name, '    '),
    el('execution_mode', record.execution_mode, '    '),
    el('seed', record.used_seed, '    '),
    el('safety_level', record.safety_level, '    '),
    el('status', record.status, '    '),
    el('original_prompt', first('user_input_text')?.content, '    '),
    el('translated_prompt', first('translation_result')?.content, '    '),
    el('interception_result', first('interception_final')?.content, '    '),
    '    <outputs>',
    ...outputs.flatMap((o, n) => [
      `      <output index="${n + 1}" loop="${esc(o.loop_iteration)}" type="${esc(o.media_type)}" config="${esc(o.config_used)}">`,
      el('file', o.file_path, '        '),
      el('model', o.model_used, '        '),
      el('backend', o.backend_type, '        '),
      el('execution_time', o.execution_time, '        '),
      '      </output>',
    ]),
    '    </outputs>',
    el('trace_id', record.trace_id, '    '),
    '  </session>',
    '</export>',
    '',
  ];
  return lines.join('\n');
}

/** One record as one JSON line. */
export function recordToJsonLine(record: ExecutionRecord): string {
  return `${JSON.stringify(record)}\n`;
}
