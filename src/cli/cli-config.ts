import { z } from 'zod';
import { ConfigError } from '../config.js';

const CliEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
});

/** What the command-line tool reads from the environment. */
export interface CliConfig {
  /** The PostgreSQL store's URL; null when DATABASE_URL is unset. */
  databaseUrl: string | null;
}

/** Parses `env` for the CLI (an empty variable counts as unset); throws `ConfigError`. */
export function loadCliConfig(env: Record<string, string | undefined> = {}): CliConfig {
  const set = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = CliEnvSchema.safeParse(set);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return { databaseUrl: parsed.data.DATABASE_URL ?? null };
}
