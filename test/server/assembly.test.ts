import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { assembleServer } from '../../src/server/assembly.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testConfig } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';

describe('assembleServer', () => {
  it('builds the configured server, which listens, answers, records and shuts down with nothing unsaved', async () => {
    const dir = await tempDir();
    const server = await assembleServer(testConfig(dir, { PORT: '0', OTLP_INGEST: 'on' }), {
      logger: pino({ level: 'silent' }),
    });
    expect(server.ingest).not.toBeNull();
    const listening = await server.listen();
    const { port } = listening.address() as { port: number };
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const run = await request(server.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume', output_config: 'none' });
    expect(run.status).toBe(200);
    expect(run.body.record).toBe('saved');
    expect(run.body.trace_url).toBe(`http://jaeger.test/trace/${run.body.trace_id}`);
    expect((await server.store.get(run.body.execution_id))?.status).toBe('completed');
    const stopping = server.shutdown();
    expect(server.shutdown()).toBe(stopping);
    // Requests that arrive while it drains are refused cleanly.
    expect((await request(server.app).get('/health')).status).toBe(503);
    expect(await stopping).toEqual([]);
    expect(listening.listening).toBe(false);
  });

  it('takes app overrides as a function of the assembled dependencies', async () => {
    const server = await assembleServer(testConfig(await tempDir(), { OTLP_INGEST: 'off' }), {
      logger: pino({ level: 'silent' }),
      app: (deps) => ({ pipelineEnabled: !deps.pipelineEnabled }),
    });
    expect(server.ingest).toBeNull();
    const run = await request(server.app).post(EXECUTE).send({ schema: 'dada', input_text: 'x' });
    expect(run.status).toBe(404);
    expect(await server.shutdown()).toEqual([]);
  });
});
