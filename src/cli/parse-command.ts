import { parseArgs } from 'node:util';
import type { ErasureSubject } from '../lifecycle/erase-subject.js';
import { optionsOf, parseOptions, UsageError, type OptionSpec } from '../query/cli-query.js';
import { ListFiltersSchema } from '../query/list-filters.js';
import {
  BundleQuerySchema,
  QdpxQuerySchema,
  type BundleQuery,
  type QdpxQuery,
} from '../query/list-queries.js';

/** A command line the tool understood. */
export type Command =
  | { name: 'help' }
  | { name: 'import'; dir: string }
  | { name: 'export-files'; dir: string }
  | { name: 'export-bundle'; dir: string; query: BundleQuery }
  | { name: 'export-qdpx'; file: string; query: QdpxQuery }
  | { name: 'erase'; subject: ErasureSubject; dryRun: boolean; yes: boolean };

const EXPORT_OPTIONS = {
  files: { type: 'string' },
  bundle: { type: 'string' },
  qdpx: { type: 'string' },
  ...optionsOf(BundleQuerySchema, ['omit_text', 'media', 'items_xlsx']),
} satisfies Record<string, OptionSpec>;

const SubjectSchema = ListFiltersSchema.pick({ user_id: true, session_id: true });
const ERASE_OPTIONS = {
  ...optionsOf(SubjectSchema),
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
} satisfies Record<string, OptionSpec>;

/** Node's `parseArgs` complaint as one short line. */
function parseArgsProblem(error: NodeJS.ErrnoException): string {
  const first = error.message.split('\n')[0]!;
  const quoted = /'([^']+)'/.exec(first)?.[1] ?? '';
  const option = quoted.split(' ')[0];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (first.includes('argument missing')) return `${option} needs a value`;
      if (first.includes('does not take an argument')) return `${option} takes no value`;
      return first;
    default:
      return first;
  }
}

/** `parseArgs` in strict mode; every problem, a repeated option too, as a one-line `UsageError`. */
function parse<O extends Record<string, OptionSpec>>(
  command: string,
  args: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    const parsed = parseArgs({ args, options, tokens: true, strict: true, allowPositionals });
    const seen = new Set<string>();
    for (const t of parsed.tokens)
      if (t.kind === 'option') {
        if (seen.has(t.name)) throw new UsageError(`${command}: --${t.name} is given twice`);
        seen.add(t.name);
      }
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${command}: ${parseArgsProblem(error as NodeJS.ErrnoException)}`);
  }
}

function parseExport(args: string[]): Command {
  const { values } = parse('export', args, EXPORT_OPTIONS);
  const { files, bundle, qdpx } = values;
  if ([files, bundle, qdpx].filter((v) => v !== undefined).length !== 1)
    throw new UsageError('export: give exactly one of --files DIR, --bundle DIR or --qdpx FILE');
  if (files !== undefined) {
    const extra = Object.keys(values).filter((k) => k !== 'files');
    if (extra.length > 0)
      throw new UsageError(`export --files writes every record; --${extra[0]} is for --bundle`);
    if (files === '') throw new UsageError('export: --files needs a folder');
    return { name: 'export-files', dir: files };
  }
  if (qdpx !== undefined) {
    if (qdpx === '') throw new UsageError('export: --qdpx needs a file name');
    const extra = ['omit-text', 'media', 'items-xlsx'].find(
      (k) => (values as Record<string, unknown>)[k] !== undefined,
    );
    if (extra) throw new UsageError(`export --qdpx: --${extra} is for --bundle`);
    return { name: 'export-qdpx', file: qdpx, query: parseOptions(values, QdpxQuerySchema) };
  }
  if (bundle === '') throw new UsageError('export: --bundle needs a folder');
  return { name: 'export-bundle', dir: bundle!, query: parseOptions(values, BundleQuerySchema) };
}

function parseErase(args: string[]): Command {
  const { values } = parse('erase', args, ERASE_OPTIONS);
  const { user_id: userId, session_id: sessionId } = parseOptions(values, SubjectSchema);
  if ((userId === undefined) === (sessionId === undefined))
    throw new UsageError('erase: give exactly one of --user-id or --session-id');
  return {
    name: 'erase',
    subject: userId !== undefined ? { userId } : { sessionId: sessionId! },
    dryRun: values['dry-run'] ?? false,
    yes: values.yes ?? false,
  };
}

/**
 * The command of `argv` (without node and script). Throws `UsageError` with one line saying
 * what is wrong: an unknown command or option, a missing or repeated one, an invalid value.
 */
export function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case '--help':
    case '-h':
    case 'help':
      return { name: 'help' };
    case 'import': {
      const { positionals } = parse('import', rest, {}, true);
      if (positionals.length !== 1 || positionals[0] === '')
        throw new UsageError('import: give exactly one records directory: import DIR');
      return { name: 'import', dir: positionals[0]! };
    }
    case 'export':
      return parseExport(rest);
    case 'erase':
      return parseErase(rest);
    case undefined:
      throw new UsageError('no command: give import, export or erase');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(name)}: use import, export or erase`);
  }
}
