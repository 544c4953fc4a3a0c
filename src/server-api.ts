// The server package entry (`execution-history/server`): the instrumented pipeline server built from the library (`src/index.ts`).
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { assembleServer, type ServerAssembly } from './server/assembly.js';

export { ConfigError, loadConfig } from './config.js';
export type { AppConfig } from './config.js';
export { createApp } from './server/app.js';
export type { AppDeps } from './server/app.js';
export { RoleSchema } from './server/auth/roles.js';
export type { Role } from './server/auth/roles.js';
export { SessionStore } from './server/auth/session-store.js';
export type { SessionStoreOptions } from './server/auth/session-store.js';
export {
  parseTokenEntries,
  plainTokenEntry,
  TokenEntrySchema,
} from './server/auth/token-entries.js';
export type { TokenEntry } from './server/auth/token-entries.js';
export { hashToken } from './server/auth/token-hash.js';
export type { RecordPath } from './server/record-path.js';
export { assembleServer } from './server/assembly.js';
export type { AssemblyOptions, ServerAssembly } from './server/assembly.js';
export type { ServerConfig } from './server/server-config.js';

/** The assembled server, as earlier versions named it (`ServerAssembly`). */
export type Runtime = ServerAssembly;

/** `assembleServer` with only a logger, as earlier versions named it. */
export function createRuntime(config: AppConfig, logger: Logger): Promise<Runtime> {
  return assembleServer(config, { logger });
}
export { applyServerLimits, DEFAULT_SERVER_LIMITS } from './server/server-limits.js';
export type { ServerLimits } from './server/server-limits.js';
export { DEFAULT_CLIENT_LIMITS } from './server/client-limits.js';
export type { ClientLimits } from './server/client-limits.js';
export { traceLinks } from './server/trace-links.js';
