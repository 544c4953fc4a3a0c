import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { CHECKED_SAFETY_LEVELS } from '../domain/safety-level.js';
import {
  InterceptionConfigSchema,
  LevelTermsSchema,
  OutputConfigSchema,
  Stage1ListSchema,
  type InterceptionConfig,
  type LevelTerms,
  type OutputConfig,
  type Stage1List,
} from './catalog-schemas.js';
import { TermFilter } from './term-filter.js';

/** Every config the pipeline knows, validated at start-up. */
export interface Catalog {
  interception: ReadonlyMap<string, InterceptionConfig>;
  outputs: ReadonlyMap<string, OutputConfig>;
  stage1: Stage1List;
  levels: ReadonlyMap<string, LevelTerms>;
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

/** Compiled term filters: stage 1's §86a list, and stage 3's per safety level and output. */
export interface CatalogFilters {
  stage1: TermFilter;
  /** The level's terms plus the output's extra terms; an empty filter for an unchecked level. */
  stage3(level: string, output: string): TermFilter;
}

function compileFilters(
  stage1: Stage1List,
  levels: ReadonlyMap<string, LevelTerms>,
  outputs: ReadonlyMap<string, OutputConfig>,
): CatalogFilters {
  const stage3 = new Map<string, TermFilter>();
  for (const [level, list] of levels)
    for (const output of outputs.values())
      stage3.set(
        `${level}/${output.name}`,
        new TermFilter([...list.terms, ...(output.extra_terms[level] ?? [])]),
      );
  const none = new TermFilter([]);
  return {
    stage1: new TermFilter(stage1.terms.map((t) => t.term)),
    stage3: (level, output) => stage3.get(`${level}/${output}`) ?? none,
  };
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
  const stage1 = await readJson(join(dir, 'safety', 'stage1-86a.json'), Stage1ListSchema);
  const levels = new Map<string, LevelTerms>();
  for (const level of CHECKED_SAFETY_LEVELS) {
    levels.set(level, await readJson(join(dir, 'safety', `${level}.json`), LevelTermsSchema));
  }
  return {
    interception,
    outputs,
    stage1,
    levels,
    filters: compileFilters(stage1, levels, outputs),
    versions: configVersions(interception, outputs),
  };
}
