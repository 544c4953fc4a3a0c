import { describeOwner, type DirectoryLockedError } from '../store/directory-lock.js';
import { manifestFilters } from '../query/list-queries.js';
import type { Command } from './parse-command.js';

/**
 * One line for a records directory a server holds: the HTTP route that does the same while the
 * server runs (the CLI never opens a directory another process owns).
 */
export function lockedStoreMessage(error: DirectoryLockedError, command: Command): string {
  const held = `records directory ${error.directory} is in use by ${describeOwner(error.owner)}`;
  if (command.name === 'export-bundle') {
    const { query } = command;
    const params = new URLSearchParams({
      ...Object.fromEntries(Object.entries(manifestFilters(query)).map(([k, v]) => [k, String(v)])),
      ...(query.omit_text ? { omit_text: '1' } : {}),
    }).toString();
    return (
      `${held}: while it runs, download the bundle from that server: ` +
      `GET /api/executions/export/bundle${params ? `?${params}` : ''} ` +
      `(a viewer token; X-Study-Key header for pseudonyms), or stop it and run this again`
    );
  }
  if (command.name === 'erase') {
    const [key, value] =
      command.subject.userId !== undefined
        ? ['user_id', command.subject.userId]
        : ['session_id', command.subject.sessionId];
    const route = command.dryRun
      ? `GET /api/executions?${new URLSearchParams({ [key]: value })}`
      : `POST /api/erasure with ${JSON.stringify({ [key]: value })} (an admin token)`;
    return `${held}: while it runs, use that server: ${route}, or stop it and run this again`;
  }
  return error.message;
}
