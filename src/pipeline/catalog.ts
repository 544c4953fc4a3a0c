import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { CHECKED_SAFETY_LEVELS } from '../domain/safety-level.js';
import {
  InterceptionConfigSchema,
  OutputConfigSchema,
  Stage1ListSchema,
  type InterceptionConfig,
  type OutputConfig,
  type Stage1List,
} from './catalog-schemas.js';
import { levelEntries, safetyMatcher, stage1Entries } from './safety/safety-check.js';
import {
  AllowFileSchema,
  CategoriesFileSchema,
  HomographsFileSchema,
  LevelListSchema,
  type AllowFile,
  type CategoriesFile,
  type HomographsFile,
  type LevelList,
} from './safety/safety-list-schemas.js';
import { TermMatcher, type TermEntry } from './safety/term-matcher.js';

/** Every config the pipeline knows, validated at start-up. */
export interface Catalog {
  interception: ReadonlyMap<string, InterceptionConfig>;
  outputs: ReadonlyMap<string, OutputConfig>;
  stage1: Stage1List;
  levels: ReadonlyMap<string, LevelList>;
  /** What the child and teachers are told about each safety category. */
  categories: CategoriesFile['categories'];
  /** The term filters, compiled once when the catalog loads. */
  filters: CatalogFilters;
  /**
   * Each config's version: SHA-256 of its parsed content, under `interception/<name>` and
   * `output/<name>`; recorded with the steps it shapes, so a record names what produced it.
   */
  versions: ReadonlyMap<string, string>;
}

function configVersions(
  interception: ReadonlyMap<string, InterceptionConfig>,
  outputs: ReadonlyMap<string, OutputConfig>,
): Map<string, string> {
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  const versions = new Map<string, string>();
  for (const [name, c] of interception) versions.set(`interception/${name}`, hash(c));
  for (const [name, c] of outputs) versions.set(`output/${name}`, hash(c));
  return versions;
}

/**
 * Compiled term matchers: stage 1's §86a list (every level), each level's lists (with the
 * §86a terms), and stage 3's per level and output (the level's plus the output's extra terms).
 */
export interface CatalogFilters {
  stage1: TermMatcher;
  /** The level's lists; undefined for an unchecked level (`research`, `off`). */
  level(level: string): TermMatcher | undefined;
  /** The level's lists plus the output's extra terms; undefined for an unchecked level. */
  stage3(level: string, output: string): TermMatcher | undefined;
}

function compileFilters(
  stage1: Stage1List,
  levels: ReadonlyMap<string, LevelList>,
  outputs: ReadonlyMap<string, OutputConfig>,
  shared: [AllowFile, HomographsFile],
): CatalogFilters {
  const byLevel = new Map<string, TermMatcher>();
  const stage3 = new Map<string, TermMatcher>();
  for (const level of levels.keys()) {
    const entries = [...levelEntries(levels, level), ...stage1Entries(stage1)];
    byLevel.set(level, safetyMatcher(entries, ...shared));
    for (const output of outputs.values()) {
      const extra: TermEntry[] = Object.entries(
        output.extra_terms[level as keyof typeof output.extra_terms] ?? {},
      ).flatMap(([category, terms]) =>
        (terms ?? []).map((term) => ({ term, category, lang: 'any' })),
      );
      if (extra.length > 0)
        stage3.set(`${level}/${output.name}`, safetyMatcher([...entries, ...extra], ...shared));
    }
  }
  return {
    stage1: new TermMatcher(stage1Entries(stage1), { umlauts: 'strip' }),
    level: (level) => byLevel.get(level),
    stage3: (level, output) => stage3.get(`${level}/${output}`) ?? byLevel.get(level),
  };
}

/** Every level reachable through `includes` must exist, without a cycle. */
function checkIncludes(levels: ReadonlyMap<string, LevelList>, dir: string): void {
  for (const [level, list] of levels) {
    const seen = new Set([level]);
    for (let next = list.includes; next !== undefined; next = levels.get(next)?.includes) {
      if (seen.has(next))
        throw new CatalogError(`${join(dir, `${level}.json`)}: "includes" runs in a circle`);
      seen.add(next);
    }
  }
}

/** A config file that is missing, malformed or inconsistent; the message names it. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CatalogError(`${path}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CatalogError(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function readAll<T extends { name: string }>(
  dir: string,
  schema: z.ZodType<T>,
): Promise<Map<string, T>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out = new Map<string, T>();
  for (const file of names) {
    const config = await readJson(join(dir, file), schema);
    if (config.name !== basename(file, '.json')) {
      throw new CatalogError(
        `${join(dir, file)}: name "${config.name}" does not match the file name`,
      );
    }
    out.set(config.name, config);
  }
  return out;
}

/** Loads and cross-checks `interception/`, `output/` and `safety/` under `dir`. */
export async function loadCatalog(dir: string): Promise<Catalog> {
  const interception = await readAll(join(dir, 'interception'), InterceptionConfigSchema);
  const outputs = await readAll(join(dir, 'output'), OutputConfigSchema);
  for (const config of interception.values()) {
    for (const out of config.output_configs) {
      if (!outputs.has(out))
        throw new CatalogError(
          `interception config ${config.name}: unknown output config "${out}"`,
        );
    }
  }
  const safetyDir = join(dir, 'safety');
  const stage1 = await readJson(join(safetyDir, 'stage1-86a.json'), Stage1ListSchema);
  const levels = new Map<string, LevelList>();
  for (const level of CHECKED_SAFETY_LEVELS) {
    const file = join(safetyDir, `${level}.json`);
    const list = await readJson(file, LevelListSchema);
    if (list.level !== level)
      throw new CatalogError(`${file}: level "${list.level}" is not "${level}"`);
    levels.set(level, list);
  }
  checkIncludes(levels, safetyDir);
  const { categories } = await readJson(join(safetyDir, 'categories.json'), CategoriesFileSchema);
  const allow = await readJson(join(safetyDir, 'allow.json'), AllowFileSchema);
  const homographs = await readJson(join(safetyDir, 'homographs.json'), HomographsFileSchema);
  return {
    interception,
    outputs,
    stage1,
    levels,
    categories,
    filters: compileFilters(stage1, levels, outputs, [allow, homographs]),
    versions: configVersions(interception, outputs),
  };
}
