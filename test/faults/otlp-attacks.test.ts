import request from 'supertest';
import { describe, expect, it } from 'vitest';
import * as A from '../../src/telemetry/tracker/attributes.js';
import { ingestApp } from '../helpers/ingest-app.js';
import { ID, int, runRequest, str } from '../helpers/otlp-requests.js';

// The attack round of issue 20, kept as regression cases: each request here is one an
// unauthenticated sender on the loopback receiver could make.

const post = (app: Parameters<typeof request>[0], body: string) =>
  request(app).post('/v1/traces').set('content-type', 'application/json').send(body);

describe('OTLP ingest attack cases (issue 20)', () => {
  it('answers 400 for 50,000 levels of nested OTLP/JSON, and keeps answering', async () => {
    const { app } = await ingestApp();
    const value = `${'{"arrayValue":{"values":['.repeat(25_000)}${']}}'.repeat(25_000)}`;
    const text = JSON.stringify(runRequest()).replace(
      '"key":"execution.config_name","value":{"stringValue":"dada"}',
      `"key":"execution.config_name","value":${value}`,
    );
    expect(text.length).toBeGreaterThan(500_000);
    const res = await post(app, text);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 3, message: expect.stringMatching(/nested deeper/) });
    const deep = `{"resourceSpans":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expect((await post(app, deep)).status).toBe(400);
    expect((await post(app, JSON.stringify(runRequest()))).status).toBe(200);
  });

  it('rejects a run span with an unknown status with a clear reason, not 503 forever', async () => {
    const { app, store } = await ingestApp();
    const doc = runRequest();
    const run = doc.resourceSpans[0]!.scopeSpans[0]!.spans[1] as {
      attributes: object[];
      events: object[];
    };
    run.attributes.push(str(A.ATTR_STATUS, 'exploded'));
    run.events.push({
      timeUnixNano: '1735732801000000000',
      name: 'pipeline_complete',
      attributes: [
        int(A.ATTR_ITEM_SEQUENCE, 2),
        int(A.ATTR_ITEM_STAGE, 5),
        str(A.ATTR_ITEM_MEDIA_TYPE, 'metadata'),
        str(A.ATTR_ITEM_METADATA, '{"total_items_logged":2}'),
      ],
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await post(app, JSON.stringify(doc));
      expect(res.status).toBe(200);
      expect(res.body.partialSuccess).toMatchObject({
        rejectedSpans: '1',
        errorMessage: expect.stringMatching(/execution\.status is not one of/),
      });
    }
    // The start span was taken: the run is not lost, it stays an incomplete checkpoint.
    const saved = await store.get(ID);
    expect(saved?.status ?? 'incomplete').toBe('incomplete');
  });
});
