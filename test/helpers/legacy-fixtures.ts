import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the earlier Python server's records are kept for tests. */
export const LEGACY_DIR = fileURLToPath(new URL('../fixtures/legacy-records/', import.meta.url));

/** Every legacy record file: its name and text. */
export function legacyRecordFiles(): { name: string; text: string }[] {
  return readdirSync(LEGACY_DIR)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(LEGACY_DIR + name, 'utf8') }));
}
