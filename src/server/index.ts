// The server assembly: the instrumented pipeline server built from the library (`src/index.ts`).
export { ConfigError, loadConfig } from '../config.js';
export type { AppConfig } from '../config.js';
export { createApp } from './app.js';
export type { AppDeps } from './app.js';
export { RoleSchema } from './auth/roles.js';
export type { Role } from './auth/roles.js';
export { SessionStore } from './auth/session-store.js';
export type { SessionStoreOptions } from './auth/session-store.js';
export { parseTokenEntries, plainTokenEntry, TokenEntrySchema } from './auth/token-entries.js';
export type { TokenEntry } from './auth/token-entries.js';
export { hashToken } from './auth/token-hash.js';
export type { RecordPath } from './record-path.js';
export { createRuntime } from './runtime.js';
export type { Runtime } from './runtime.js';
export { applyServerLimits, DEFAULT_SERVER_LIMITS } from './server-limits.js';
export type { ServerLimits } from './server-limits.js';
export { traceLinks } from './trace-links.js';
