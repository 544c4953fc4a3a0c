import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.js';
import { studyKeySchema } from '../domain/study-pseudonym.js';

const CliEnvSchema = z.object({
  STUDY_KEY: studyKeySchema('STUDY_KEY').optional(),
});

/** What the command-line tool reads from the environment (the server's settings, and its own). */
export interface CliConfig {
  /** The PostgreSQL store's URL; null when DATABASE_URL is unset (then the file store). */
  databaseUrl: string | null;
  executionsDir: string;
  mediaDir: string;
  /** The configs folder (rubrics for the bundle's codebook). */
  configsDir: string;
  erasureLog: string;
  /** Key of a study's pseudonyms for `export --bundle`; kept out of argv and shell history. */
  studyKey: string | undefined;
}

/** Parses `env` for the CLI (an empty variable counts as unset); throws `ConfigError`. */
export function loadCliConfig(env: Record<string, string | undefined> = {}): CliConfig {
  const server = loadConfig(env);
  const set = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = CliEnvSchema.safeParse(set);
  if (!parsed.success)
    throw new ConfigError(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return {
    databaseUrl: server.databaseUrl,
    executionsDir: server.executionsDir,
    mediaDir: server.mediaDir,
    configsDir: server.configsDir,
    erasureLog: server.erasureLog,
    studyKey: parsed.data.STUDY_KEY,
  };
}
