import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MediaWriteHealth } from '../../src/pipeline/media-write-health.js';
import { mediaWriteFailureLogger } from '../../src/server/media-write-log.js';
import { captureLogger } from '../helpers/log-capture.js';
import { testApp } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXECUTE = '/api/schema/pipeline/execute';
const PROMPT = 'Eine geheime Blume von Mia';

describe('a media write failing at run time', () => {
  it('is logged with the run id and the error code (no content), counted, and /health says degraded', async () => {
    const dir = await tempDir();
    const capture = captureLogger();
    const mediaWrites = new MediaWriteHealth(join(dir, 'media'), {
      onFailure: mediaWriteFailureLogger(capture.logger),
    });
    const ctx = await testApp({ dir, mediaWrites });
    // The media folder breaks after start-up (the assembly checked it was writable).
    await rm(ctx.mediaDir, { recursive: true });
    await writeFile(ctx.mediaDir, 'a file where the media folder should be');

    const before = await request(ctx.app).get('/health');
    expect(before.body.status).toBe('ok');
    expect(before.body.media_writes).toMatchObject({ state: 'unused', failures: 0 });

    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'passthrough', input_text: PROMPT, output_config: 'sd35_large' });
    expect(res.status).toBe(502);
    const id = res.body.execution_id as string;

    expect(capture.lines().filter((l) => l.msg === 'media write failed')).toEqual([
      expect.objectContaining({
        level: 50,
        component: 'media',
        execution_id: id,
        code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/),
        syscall: 'mkdir',
      }),
    ]);
    expect(capture.text()).not.toMatch(/geheime|Blume|Mia/);

    const health = await request(ctx.app).get('/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.media_writes).toEqual({
      state: 'failing',
      writes: 1,
      failures: 1,
      last_success_at: null,
      last_failure_at: expect.any(String),
      last_error_code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/),
    });
  });

  it('a later successful write turns /health ok again', async () => {
    const mediaWrites = new MediaWriteHealth('/srv/media');
    const denied = Object.assign(new Error('denied'), {
      code: 'EACCES',
      path: '/srv/media/exec_1',
      syscall: 'mkdir',
    });
    await expect(mediaWrites.watch('exec_1', () => Promise.reject(denied))).rejects.toBe(denied);
    expect(mediaWrites.failing()).toBe(true);
    await mediaWrites.watch('exec_2', () => Promise.resolve());
    expect(mediaWrites.report()).toMatchObject({ state: 'ok', writes: 2, failures: 1 });
  });

  it("does not count a backend's own error (no path under the media folder)", async () => {
    const mediaWrites = new MediaWriteHealth('/srv/media');
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    await expect(mediaWrites.watch('exec_1', () => Promise.reject(refused))).rejects.toBe(refused);
    expect(mediaWrites.report()).toMatchObject({ state: 'unused', failures: 0 });
  });
});
