import type { z } from 'zod';

/** A command line the tool cannot run: `message` is one line saying what is wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The CLI option of a query name: `safety_level` → `safety-level`. */
export function optionName(key: string): string {
  return key.replaceAll('_', '-');
}

/** What `node:util` `parseArgs` takes for one option. */
export interface OptionSpec {
  type: 'string' | 'boolean';
}

/** `parseArgs` options for every query name of `schema`; names in `switches` take no value. */
export function optionsOf(
  schema: z.ZodObject,
  switches: readonly string[] = [],
): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const key of Object.keys(schema.shape))
    out[optionName(key)] = { type: switches.includes(key) ? 'boolean' : 'string' };
  return out;
}

/** Values as `parseArgs` returns them. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * Parses command-line `values` with the HTTP query `schema`: each option becomes its query name
 * and a set switch becomes `'true'`, so both edges give the same filters the same meaning.
 * Throws `UsageError` naming every invalid option and value on one line.
 */
export function parseOptions<S extends z.ZodObject>(values: OptionValues, schema: S): z.infer<S> {
  const query: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = values[optionName(key)];
    if (v === undefined || v === false) continue;
    query[key] = v === true ? 'true' : v;
  }
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const given = query[key];
    return `--${optionName(key)}${typeof given === 'string' ? ` ${JSON.stringify(given)}` : ''}: ${issue.message}`;
  });
  throw new UsageError(`invalid ${problems.join('; ')}`);
}
