import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CatalogError } from '../pipeline/catalog.js';
import { RubricSchema, type Rubric, type Rubrics } from './rubric.js';

/** A rubric file that is malformed or misnamed; the message names the file. */
export class RubricError extends CatalogError {}

async function readRubric(path: string, name: string): Promise<Rubric> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RubricError(`${path}: ${(error as Error).message}`);
  }
  const parsed = RubricSchema.safeParse(value);
  if (!parsed.success) throw new RubricError(`${path}: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.id !== name)
    throw new RubricError(`${path}: id "${parsed.data.id}" differs from the file name "${name}"`);
  return parsed.data;
}

/**
 * Reads and validates every `<id>.json` in `dir` (a missing directory: no rubrics); throws a
 * `RubricError` naming the first bad file.
 */
export async function loadRubrics(dir: string): Promise<Rubrics> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const rubrics = new Map<string, Rubric>();
  for (const file of names) {
    const rubric = await readRubric(join(dir, file), file.slice(0, -'.json'.length));
    rubrics.set(rubric.id, rubric);
  }
  return rubrics;
}
