import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MEDIA_CSP, mediaHeaders } from '../../src/server/media-headers.js';
import { testApp } from '../helpers/test-app.js';

const ID = 'exec_20260101_120000_0000abcd';
const SCRIPT =
  '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/executions")</script></svg>';

describe('mediaHeaders', () => {
  it('serves known media types inline and everything else as an octet-stream download', () => {
    expect(mediaHeaders('output_1_sd.PNG')).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': 'inline',
    });
    for (const name of [
      'a.svg',
      'a.html',
      'a.htm',
      'a.xhtml',
      'a.xml',
      'a.js',
      'a.pdf',
      'a',
      'a.bin',
    ])
      expect(mediaHeaders(name)).toMatchObject({
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${name}"`,
      });
  });
});

describe('GET /api/executions/:id/media/:file', () => {
  it('never lets a media file run script on the API origin (svg, html: attachment, CSP, nosniff)', async () => {
    const ctx = await testApp();
    const dir = join(ctx.mediaDir, ID);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'output_1_x.svg'), SCRIPT);
    await writeFile(join(dir, 'output_1_x.html'), `<html>${SCRIPT}</html>`);
    await writeFile(join(dir, 'output_1_x.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    for (const file of ['output_1_x.svg', 'output_1_x.html']) {
      const res = await request(ctx.app).get(`/api/executions/${ID}/media/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${file}"`);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe(MEDIA_CSP);
    }
    const png = await request(ctx.app).get(`/api/executions/${ID}/media/output_1_x.png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toBe('inline');
    expect(png.headers['x-content-type-options']).toBe('nosniff');
    expect(png.headers['content-security-policy']).toBe(MEDIA_CSP);
  });
});
