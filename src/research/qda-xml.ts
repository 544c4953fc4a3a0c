import { basename } from 'node:path';
import type { ExecutionItem } from '../domain/execution-item.js';
import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';
import type { ExportCounts } from './json-lines.js';
import type { RecordEntry } from './record-entries.js';
import { xmlAttributes, xmlElement, xmlText } from './xml-text.js';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const isOutput = (i: ExecutionItem): boolean => i.item_type.startsWith('output_');

/** The outputs of the platform's QDA shape: the interception text, then every produced medium. */
function outputLines(record: ExecutionRecord, pad: string): string[] {
  const outputs = record.items.filter((i) => i.item_type === 'interception_final' || isOutput(i));
  return outputs.flatMap((o, n) => {
    const attrs = xmlAttributes({
      order: n + 1,
      type: o.media_type,
      node_title: o.config_used ?? record.config_name,
    });
    const body = isOutput(o)
      ? [
          xmlElement('filename', o.file_path === null ? null : basename(o.file_path), pad + '  '),
          xmlElement('path', o.file_path, pad + '  '),
        ]
      : [xmlElement('content', o.content, pad + '  ')];
    return [`${pad}<output${attrs}>`, ...body, `${pad}</output>`];
  });
}

/** Every item in order: iterations, safety checks and blocks, outputs, errors, the end. */
function chainLines(record: ExecutionRecord, pad: string): string[] {
  return record.items.flatMap((i) => [
    `${pad}<step${xmlAttributes({
      sequence: i.sequence_number,
      stage: i.stage,
      type: i.item_type,
      media_type: i.media_type,
      timestamp: i.timestamp,
      stage_iteration: i.stage_iteration,
      loop_iteration: i.loop_iteration,
      config: i.config_used,
      model: i.model_used,
      backend: i.backend_type,
      execution_time: i.execution_time,
    })}>`,
    ...(i.content === null ? [] : [xmlElement('content', i.content, pad + '  ')]),
    ...(i.file_path === null ? [] : [xmlElement('path', i.file_path, pad + '  ')]),
    ...(Object.keys(i.metadata).length === 0
      ? []
      : [xmlElement('metadata', JSON.stringify(i.metadata), pad + '  ')]),
    `${pad}</step>`,
  ]);
}

/**
 * One run as a `<session>` of the platform's QDA export (id, user, timestamp, workflow, seed,
 * safety level, prompts, outputs), then, additively, its status, trace id and the full chain.
 */
export function qdaSession(record: ExecutionRecord): string {
  const first = (type: string) => record.items.find((i) => i.item_type === type)?.content;
  const lines = [
    '  <session>',
    xmlElement('id', record.execution_id, '    '),
    xmlElement('user', record.user_id, '    '),
    xmlElement('timestamp', record.timestamp, '    '),
    xmlElement('workflow', record.config_name, '    '),
    xmlElement('seed', record.used_seed, '    '),
    xmlElement('safety_level', record.safety_level, '    '),
    '    <prompts>',
    xmlElement('original', first('user_input_text'), '      '),
    xmlElement('translated', first('translation_result'), '      '),
    '    </prompts>',
    '    <outputs>',
    ...outputLines(record, '      '),
    '    </outputs>',
    xmlElement('session_id', record.session_id, '    '),
    xmlElement('execution_mode', record.execution_mode, '    '),
    xmlElement('status', effectiveStatus(record), '    '),
    xmlElement('trace_id', record.trace_id, '    '),
    '    <chain>',
    ...chainLines(record, '      '),
    '    </chain>',
    '  </session>',
  ];
  return `${lines.join('\n')}\n`;
}

/** The QDA XML document of one record. */
export function recordToQdaXml(record: ExecutionRecord): string {
  return `${XML_DECLARATION}<export>\n${qdaSession(record)}</export>\n`;
}

/** A QDA XML document of many records, streamed; an unreadable record is an `<export_error>`. */
export async function* qdaXmlDocument(
  entries: AsyncIterable<RecordEntry>,
  counts: ExportCounts = { records: 0, errors: 0 },
): AsyncGenerator<string> {
  yield `${XML_DECLARATION}<export>\n`;
  for await (const entry of entries) {
    if (entry.kind === 'record') {
      counts.records += 1;
      yield qdaSession(entry.record);
    } else {
      counts.errors += 1;
      const message = xmlText(entry.message);
      const attrs = xmlAttributes({
        execution_id: entry.execution_id,
        escaped: message.escaped ? 'true' : null,
      });
      yield `  <export_error${attrs}>${message.text}</export_error>\n`;
    }
  }
  yield '</export>\n';
}
