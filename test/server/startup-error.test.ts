import { describe, expect, it } from 'vitest';
import { describePlace, describeStartupError } from '../../src/server/startup-error.js';
import { PlaceNotWritableError, type WritablePlace } from '../../src/server/writable-places.js';

const USER = { text: 'node (uid 1000, gid 1000)', owner: '1000:1000' };
const MEDIA: WritablePlace = { variable: 'MEDIA_DIR', path: '/data/media', kind: 'directory' };
const LOG: WritablePlace = {
  variable: 'ERASURE_LOG',
  path: '/data/audit/erasure-log.jsonl',
  kind: 'file',
};

describe('describePlace', () => {
  it.each([
    [
      MEDIA,
      'EACCES',
      'cannot start: MEDIA_DIR=/data/media is not writable by user node (uid 1000, gid 1000); fix: chown -R 1000:1000 /data/media, or set MEDIA_DIR to a directory that user can write',
    ],
    [
      LOG,
      'EPERM',
      'cannot start: ERASURE_LOG=/data/audit/erasure-log.jsonl is not writable by user node (uid 1000, gid 1000); fix: chown -R 1000:1000 /data/audit, or set ERASURE_LOG to a file in a directory that user can write',
    ],
    [
      LOG,
      'EISDIR',
      'cannot start: ERASURE_LOG=/data/audit/erasure-log.jsonl is a directory, not a file; fix: set ERASURE_LOG to a file path',
    ],
    [
      MEDIA,
      'EROFS',
      'cannot start: MEDIA_DIR=/data/media is on a read-only file system; fix: mount it read-write, or set MEDIA_DIR to a directory that user can write',
    ],
    [
      MEDIA,
      'ENOSPC',
      'cannot start: MEDIA_DIR=/data/media has no space left; fix: free space on its file system, or set MEDIA_DIR to a directory that user can write',
    ],
    [
      MEDIA,
      'EIO',
      'cannot start: MEDIA_DIR=/data/media cannot be written by user node (uid 1000, gid 1000) (EIO); fix: set MEDIA_DIR to a directory that user can write',
    ],
  ] as const)(
    '%o %s: one line with the path, the user and the fix, exit 4',
    (place, code, line) => {
      expect(describePlace(place, code, USER)).toEqual({ message: line, exitCode: 4 });
    },
  );

  it('is what describeStartupError says for a PlaceNotWritableError', () => {
    const failure = describeStartupError(new PlaceNotWritableError(MEDIA, 'EROFS'), {
      host: '127.0.0.1',
      port: 17801,
      executionsDir: '/data/executions',
      mediaDir: '/data/media',
    });
    expect(failure.exitCode).toBe(4);
    expect(failure.message).toMatch(/^cannot start: MEDIA_DIR=\/data\/media is on a read-only/);
  });
});
