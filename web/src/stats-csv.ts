/** One breakdown of `GET /api/stats`, as the API answers it. */
export interface StatsTable {
  columns: string[];
  rows: Record<string, string | number | null>[];
  hidden: number;
}

const cell = (v: string | number | null | undefined): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The CSV of a stats table: the API's columns and values as they are (numbers unrounded by
 * the page), RFC 4180 quoting, and a `#` comment line saying how many groups k-anonymity hid
 * (`pandas.read_csv(…, comment='#')` skips it).
 */
export function statsCsv(table: StatsTable, k: number): string {
  const lines = [table.columns.map(cell).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => cell(row[c])).join(','));
  if (table.hidden > 0)
    lines.push(
      `# ${table.hidden} group${table.hidden === 1 ? '' : 's'} with runs from fewer than ${k} distinct users not shown (k-anonymity)`,
    );
  return `${lines.join('\r\n')}\r\n`;
}
