import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../../src/domain/study-pseudonym.js';
import {
  GENAI_NAMESPACES,
  isForbiddenGenAiName,
  PINNED_GENAI_NAMES,
} from '../../../src/telemetry/tracker/genai-attributes.js';
import { redactSpan } from '../../../src/telemetry/otlp/content-policy.js';
import { testApp } from '../../helpers/test-app.js';

const STUDY_KEY = 'a-study-key-of-the-test';
const SESSION = 'class-4b-monday';

/** The spans of a Stille Post run, a dada run and a run blocked at stage 1. */
async function runPipelines(): Promise<ReadableSpan[]> {
  const ctx = await testApp({ tracing: { studyKey: STUDY_KEY } });
  for (const body of [
    { schema: 'stillepost', input_text: 'Eine Blume auf der Wiese', session_id: SESSION },
    { schema: 'dada', input_text: 'Ein Hund im Garten', session_id: SESSION },
    { schema: 'dada', input_text: 'Ich sprühe ein Hakenkreuz an die Schulwand' },
  ]) {
    const res = await request(ctx.app).post('/api/schema/pipeline/execute').send(body);
    expect([200, 403], JSON.stringify(res.body)).toContain(res.status);
  }
  await ctx.tracing.forceFlush();
  const spans = [...ctx.memory.getFinishedSpans()];
  await ctx.tracing.shutdown();
  return spans;
}

let once: Promise<ReadableSpan[]> | undefined;
const pipelineSpans = () => (once ??= runPipelines());

const op = (s: ReadableSpan) => s.attributes['gen_ai.operation.name'];
const json = (v: unknown): unknown => JSON.parse(String(v));

describe('GenAI profile of the pipeline spans', () => {
  it('emits only pinned GenAI names, never a gen_ai.prompt* key, under either content policy', async () => {
    const spans = await pipelineSpans();
    const pinned = new Set(PINNED_GENAI_NAMES);
    for (const span of [...spans, ...spans.map(redactSpan)]) {
      const keys = [
        ...Object.keys(span.attributes),
        ...span.events.flatMap((e) => Object.keys(e.attributes ?? {})),
      ];
      for (const key of keys) {
        expect(isForbiddenGenAiName(key), `${span.name}: ${key}`).toBe(false);
        if (GENAI_NAMESPACES.some((ns) => key.startsWith(ns)))
          expect(pinned.has(key), `${span.name}: ${key} is not pinned`).toBe(true);
      }
    }
  });

  it('marks model calls as LLM spans with model, tokens, parameters and instructions', async () => {
    const spans = await pipelineSpans();
    const chats = spans.filter((s) => op(s) === 'chat');
    // Stille Post: 1 translation + 8 iterations; dada: translation and interception.
    expect(chats.length).toBeGreaterThanOrEqual(11);
    for (const s of chats) {
      expect(s.attributes).toMatchObject({
        'gen_ai.provider.name': 'offline',
        'gen_ai.output.type': 'text',
        'openinference.span.kind': 'LLM',
      });
      expect(s.attributes['gen_ai.request.model']).toEqual(expect.any(String));
      expect(s.attributes['gen_ai.response.model']).toEqual(expect.any(String));
      expect(s.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
      expect(s.attributes['gen_ai.usage.output_tokens']).toEqual(expect.any(Number));
      expect(s.attributes['llm.token_count.total']).toBe(
        Number(s.attributes['gen_ai.usage.input_tokens']) +
          Number(s.attributes['gen_ai.usage.output_tokens']),
      );
      expect(s.attributes['execution.item_ref.sequence_number']).toEqual(expect.any(Number));
      const instructions = json(s.attributes['gen_ai.system_instructions']) as unknown[];
      expect(instructions).toEqual([{ type: 'text', content: expect.any(String) }]);
      expect(json(s.attributes['gen_ai.input.messages'])).toEqual([
        { role: 'user', parts: [{ type: 'text', content: expect.any(String) }] },
      ]);
      expect(json(s.attributes['gen_ai.output.messages'])).toEqual([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: expect.any(String) }],
          finish_reason: 'stop',
        },
      ]);
    }
    const generations = spans.filter((s) => op(s) === 'generate_content');
    expect(generations.length).toBeGreaterThan(0);
    for (const g of generations) {
      expect(g.attributes['gen_ai.request.seed']).toEqual(expect.any(Number));
      expect(g.attributes['openinference.span.kind']).toBe('LLM');
    }
  });

  it('gives the stage 2 span the interception template and its version', async () => {
    const spans = await pipelineSpans();
    const stage2 = spans.filter((s) => s.name === 'stage2 interception');
    expect(stage2.map((s) => s.attributes['execution.interception.template_id']).sort()).toEqual([
      'dada',
      'stillepost',
    ]);
    for (const s of stage2)
      expect(s.attributes['execution.interception.template_version']).toMatch(/^[0-9a-f]+$/);
  });

  it('marks the safety checks as guardrails with their decision', async () => {
    const spans = await pipelineSpans();
    const guardrails = spans.filter((s) => op(s) === 'apply_guardrail');
    for (const g of guardrails) {
      expect(g.attributes).toMatchObject({
        'openinference.span.kind': 'GUARDRAIL',
        'gen_ai.security.target.type': 'llm_input',
      });
      expect(['allow', 'deny']).toContain(g.attributes['gen_ai.security.decision.type']);
    }
    const names = guardrails.map((g) => g.attributes['gen_ai.guardian.name']);
    expect(names).toContain('stage1 term filter');
    expect(names).toContain('stage3 pre-output safety');
    const denied = guardrails.filter(
      (g) => g.attributes['gen_ai.security.decision.type'] === 'deny',
    );
    expect(denied.map((g) => g.attributes['gen_ai.guardian.name'])).toEqual(['stage1 term filter']);
  });

  it('sets gen_ai.conversation.id to the session’s study pseudonym, never a raw id', async () => {
    const spans = await pipelineSpans();
    const ids = new Set(
      spans.map((s) => s.attributes['gen_ai.conversation.id']).filter((v) => v !== undefined),
    );
    expect([...ids].sort()).toEqual(
      [
        pseudonym(STUDY_KEY, 'session_id', SESSION),
        pseudonym(STUDY_KEY, 'session_id', 'default'),
      ].sort(),
    );
    const genAi = spans.flatMap((s) =>
      Object.entries(s.attributes).filter(([k]) => GENAI_NAMESPACES.some((ns) => k.startsWith(ns))),
    );
    expect(JSON.stringify(genAi)).not.toContain(SESSION);
  });
});
