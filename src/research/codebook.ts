import type { Rubric } from '../review/rubric.js';
import type { TableSpec } from './table-column.js';
import { CHILD_TEXT_METADATA_KEYS } from '../domain/child-text-fields.js';
import { XLSX_MAX_CELL_CHARS } from './xlsx-tables.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function tableSection(spec: TableSpec<never>): string[] {
  return [
    `## ${spec.name} (${spec.name}.csv and ${spec.name}.parquet)`,
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

function rubricSection(rubric: Rubric): string[] {
  return [
    `### Rubric \`${rubric.id}\`, version ${rubric.version}: ${cell(rubric.labels.en)} (${cell(rubric.labels.de)})`,
    '',
    '| key | type | scope | question | values |',
    '| --- | --- | --- | --- | --- |',
    ...rubric.items.map((i) => {
      const values = i.values
        ? i.values.map((v) => `\`${v.value}\` ${v.labels.en} / ${v.labels.de}`).join('; ')
        : i.type === 'interval'
          ? `numbers${i.min !== undefined ? ` from ${i.min}` : ''}${i.max !== undefined ? ` to ${i.max}` : ''}`
          : i.type === 'boolean'
            ? 'true, false'
            : 'free text';
      return `| \`${i.key}\` | ${i.type}${i.type === 'ordinal' ? ' (lowest first)' : ''} | ${i.scope} | ${cell(i.labels.en)} / ${cell(i.labels.de)} | ${cell(values)} |`;
    }),
    '',
  ];
}

/** What a codebook says about the bundle it describes. */
export interface CodebookOptions {
  pseudonymized: boolean;
  omitText: boolean;
  /** The bundle holds media files; default false. */
  media?: boolean;
  /** The rubrics the annotations follow (`key` and `value` of annotations); default none. */
  rubrics?: readonly Rubric[];
}

/** `codebook.md`: every file and every column of the bundle, with its meaning, type and values. */
export function codebook(tables: readonly TableSpec<never>[], options: CodebookOptions): string {
  const rubrics = options.rubrics ?? [];
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
    '| `runs.xlsx` (and `items.xlsx` when asked for) | the runs (and items) table for Excel, the same rows and columns |',
    ...(options.media
      ? [
          '| `media/<sha256>.<ext>` | each output file once, named by the SHA-256 of its content; `items.media_file` links an output to it |',
        ]
      : []),
    '| `schema.json` | JSON Schema of a record |',
    '| `codebook.md` | this file |',
    '| `manifest.json` | tool and taxonomy version, filters, counts, errors, SHA-256 and size of every other file |',
    '',
    'Conventions:',
    '',
    '- CSV: RFC 4180, UTF-8 (no byte-order mark), comma, CRLF line ends, a header line; an empty cell is null. For Excel, open `runs.xlsx` and `items.xlsx` (a CSV opened by double click in a German Excel splits on `;` and misreads UTF-8).',
    "- A CSV text cell that starts with `=`, `+`, `-`, `@`, tab or CR is written with a leading `'` so spreadsheets do not run it as a formula; the Parquet files hold the value unchanged.",
    `- \`runs.xlsx\`, \`items.xlsx\`: text is never a formula and is written unchanged, except that a cell past Excel's ${XLSX_MAX_CELL_CHARS} characters is cut and ends in \`…\` (counted in \`manifest.json\` \`xlsx.truncated_cells\`; CSV and Parquet hold it whole) and characters XML cannot hold become U+FFFD; timestamps are ISO 8601 UTC text; a table past 1,048,575 rows goes on in sheets \`items_2\`, ….`,
    '- TIMESTAMPTZ: in CSV ISO 8601 UTC with microseconds (`2026-11-24T01:51:32.064178Z`); in Parquet a UTC timestamp (microseconds).',
    '- Times (`execution_time`, `total_execution_time`) are seconds.',
    '- A cell with several values (backends, models, codes) lists each once, in order of first use, joined by `;`.',
    `- Pseudonyms: ${options.pseudonymized ? 'on. `user_id` and `session_id` (also inside item metadata) are HMAC-SHA256 of "<field> NUL <id>" under the study key, 64 hex digits: stable within this study, unrelated across studies; so is the annotations\' `reviewer`.' : 'off: `user_id`, `session_id` and `reviewer` are as recorded.'}`,
    `- Free text: ${options.omitText ? `omitted. Item \`content\` and the text columns marked (free text) are empty; \`content_chars\` keeps the length. Item metadata keeps no value under ${CHILD_TEXT_METADATA_KEYS.map((k) => `\`${k}\``).join(', ')} (at any depth): a list becomes \`<key>_count\`, a text \`<key>_chars\`.` : 'included (columns marked (free text)).'}`,
    `- Media: ${options.media ? 'included. An output whose file was missing or past the size limit has an empty `media_file` and says why in `media_status`; `manifest.json` counts them.' : 'not included (`media_file` is empty); export with media to have them.'}`,
    '',
    ...tables.flatMap(tableSection),
    '## Rubrics of the annotations',
    '',
    rubrics.length
      ? "An annotation's `rubric`, `rubric_version` and `key` name a rubric item below; its `value` is one of the item's values."
      : 'No rubric was given to this export.',
    '',
    ...rubrics.flatMap(rubricSection),
  ].join('\n');
}
