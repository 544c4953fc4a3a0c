import type { TableSpec } from './table-column.js';
import { CHILD_TEXT_METADATA_KEYS } from '../domain/child-text-fields.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function tableSection(file: string, spec: TableSpec<never>): string[] {
  return [
    `## ${file} (${spec.name}.csv and ${spec.name}.parquet)`,
    '',
    `One row: ${spec.row}.`,
    '',
    '| column | type | meaning | values |',
    '| --- | --- | --- | --- |',
    ...spec.columns.map(
      (c) =>
        `| \`${c.name}\` | ${c.type} | ${cell(c.description)}${c.freeText ? ' (free text)' : ''} | ${cell(c.values ?? 'free')} |`,
    ),
    '',
  ];
}

/** `codebook.md`: every file and every column of the bundle, with its meaning, type and values. */
export function codebook(
  tables: readonly TableSpec<never>[],
  options: { pseudonymized: boolean; omitText: boolean },
): string {
  return [
    '# Codebook of this research bundle',
    '',
    '| file | what it holds |',
    '| --- | --- |',
    '| `records.jsonl` | every exported record, one JSON object a line (schema: `schema.json`); a record that could not be read is a line `{"export_error": {"execution_id", "message"}}` |',
    ...tables.map(
      (t) =>
        `| \`${t.name}.csv\`, \`${t.name}.parquet\` | one row per ${t.row}; the same rows in both |`,
    ),
    '| `schema.json` | JSON Schema of a record |',
    '| `codebook.md` | this file |',
    '| `manifest.json` | tool and taxonomy version, filters, counts, errors, SHA-256 and size of every other file |',
    '',
    'Conventions:',
    '',
    '- CSV: RFC 4180, UTF-8, comma, CRLF line ends, a header line; an empty cell is null.',
    "- A CSV text cell that starts with `=`, `+`, `-`, `@`, tab or CR is written with a leading `'` so spreadsheets do not run it as a formula; the Parquet files hold the value unchanged.",
    '- TIMESTAMPTZ: in CSV ISO 8601 UTC with microseconds (`2026-11-24T01:51:32.064178Z`); in Parquet a UTC timestamp (microseconds).',
    '- Times (`execution_time`, `total_execution_time`) are seconds.',
    `- Pseudonyms: ${options.pseudonymized ? 'on. `user_id` and `session_id` (also inside item metadata) are HMAC-SHA256 of "<field> NUL <id>" under the study key, 64 hex digits: stable within this study, unrelated across studies.' : 'off: `user_id` and `session_id` are as recorded.'}`,
    `- Free text: ${options.omitText ? `omitted. Item \`content\` and the text columns marked (free text) are empty; \`content_chars\` keeps the length. Item metadata keeps no value under ${CHILD_TEXT_METADATA_KEYS.map((k) => `\`${k}\``).join(', ')} (at any depth): a list becomes \`<key>_count\`, a text \`<key>_chars\`.` : 'included (columns marked (free text)).'}`,
    '',
    ...tables.flatMap((t) => tableSection(`${t.name}`, t)),
  ].join('\n');
}
