import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { OfflineLlmBackend } from '../../src/pipeline/backends/offline-llm.js';
import { testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';
const llm = new OfflineLlmBackend();

describe('OfflineLlmBackend keeps prompts literally', () => {
  it('inserts $ patterns of the prompt into the template as typed', async () => {
    const prompt = "a $' b $` c $& d $1 e $$ f $<x>";
    const answer = await llm.chat({
      purpose: 'intercept',
      system: '',
      prompt,
      offlineTemplate: 'Before {prompt} after',
    });
    expect(answer.text).toBe(`Before ${prompt} after`);
  });

  it('leaves words named like prototype members untranslated', async () => {
    const prompt = 'constructor __proto__ toString hasOwnProperty valueOf isPrototypeOf';
    for (const [fromLang, toLang] of [
      ['de', 'en'],
      ['en', 'fr'],
      ['en', 'constructor'],
      ['en', '__proto__'],
    ] as const) {
      const answer = await llm.chat({ purpose: 'translate', system: '', prompt, fromLang, toLang });
      expect(answer.text, `${fromLang}->${toLang}`).toBe(
        'Constructor __proto__ toString hasOwnProperty valueOf isPrototypeOf.',
      );
      expect(answer.text).not.toMatch(/native code|\[object/);
    }
  });

  it('still translates dictionary words', async () => {
    const answer = await llm.chat({
      purpose: 'translate',
      system: '',
      prompt: 'Eine Blume auf der Wiese',
      fromLang: 'de',
      toLang: 'en',
    });
    expect(answer.text).toBe('A flower on the meadow.');
  });
});

describe('the pipeline with $ and prototype prompts', () => {
  it('answers and records the texts literally', async () => {
    const { app, store, tracing } = await testApp();
    const input = "Blume $' $` $& constructor __proto__";
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: input, output_config: 'none' });
    expect(res.status).toBe(200);
    expect(res.body.translated_text).toBe("Flower $' $` $& constructor __proto__.");
    expect(res.body.final_text).toBe(
      "A Dadaist artwork concept: Flower $' $` $& constructor __proto__, assembled from torn newspaper, typewriter ribbons and a bicycle wheel, titled with a word that means nothing.",
    );
    await tracing.forceFlush();
    const record = await store.get(res.body.execution_id as string);
    expect(JSON.stringify(record)).not.toMatch(/native code/);
  });
});
