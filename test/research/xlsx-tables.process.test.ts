import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableColumn } from '../../src/research/table-column.js';
import { XLSX_MAX_CELL_CHARS, XlsxTables } from '../../src/research/xlsx-tables.js';
import { researchPython, ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const columns: TableColumn<never>[] = [
  { name: 'prompt', type: 'VARCHAR', description: '', get: () => null },
  { name: 'n', type: 'INTEGER', description: '', get: () => null },
  { name: 'ok', type: 'BOOLEAN', description: '', get: () => null },
  { name: 'at', type: 'TIMESTAMPTZ', description: '', get: () => null },
];

function readBack(path: string): Record<string, unknown[][]> {
  const out = execFileSync(researchPython(), [join(ROOT, 'test/python/read_xlsx.py'), path], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Record<string, unknown[][]>;
}

describe('XlsxTables', () => {
  it('keeps umlauts, long prompts and formula-like text as written, read back by openpyxl', async () => {
    const path = join(await tempDir(), 'tables.xlsx');
    const umlauts = 'Ein Bär läuft über die Brücke, Öl und Straße – „Grüße“ 🐻';
    const long = `Ein sehr langer Prompt mit Umlauten äöü ${'und noch ein Satz über Flüsse. '.repeat(90)}`;
    const tooLong = 'ß'.repeat(XLSX_MAX_CELL_CHARS + 10);
    const tables = new XlsxTables(() => path, [{ name: 'runs', columns }]);
    tables.append('runs', [umlauts, 1, true, Date.UTC(2026, 10, 24, 1, 51, 32) * 1000 + 64]);
    tables.append('runs', [long, 2, false, null]);
    tables.append('runs', ['=HYPERLINK("x")', null, null, null]);
    tables.append('runs', [`a\u0001b`, 3, null, null]);
    tables.append('runs', [tooLong, 4, null, null]);
    await tables.close();

    const { runs } = readBack(path);
    expect(runs).toEqual([
      ['prompt', 'n', 'ok', 'at'],
      [umlauts, 1, true, '2026-11-24T01:51:32.000064Z'],
      [long, 2, false, null],
      ['=HYPERLINK("x")', null, null, null],
      ['a\ufffdb', 3, null, null],
      [`${'ß'.repeat(XLSX_MAX_CELL_CHARS - 1)}…`, 4, null, null],
    ]);
    expect(long.length).toBeGreaterThan(2_000);
    expect(tables.counts.truncated_cells).toBe(1);
  });
});
