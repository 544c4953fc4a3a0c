import { readFile } from 'node:fs/promises';

const DOC = new URL('../../docs/span-conventions.md', import.meta.url);

/** The doc's tables by section title: rows of cells, backticks kept. */
export async function tables(): Promise<Map<string, string[][]>> {
  const text = await readFile(DOC, 'utf8');
  const out = new Map<string, string[][]>();
  for (const section of text.split(/^## /m).slice(1)) {
    const title = section.slice(0, section.indexOf('\n')).trim();
    const rows = section
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.trim()),
      );
    out.set(title, rows);
  }
  return out;
}

/** The backticked names of a table cell. */
export const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
