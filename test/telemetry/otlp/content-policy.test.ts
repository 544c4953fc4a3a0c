import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ContentPolicySpanExporter } from '../../../src/telemetry/otlp/content-policy.js';
import { testTracing } from '../../helpers/tracing.js';

const PROMPT = 'Ein Skelett tanzt auf der Wiese';

/** A run whose text shows up in content, found terms, and a backend error echoing the prompt. */
async function leakyRun(policy: 'metadata' | 'full') {
  const exported = new InMemorySpanExporter();
  const { tracing, store } = await testTracing({
    extraProcessors: [new SimpleSpanProcessor(new ContentPolicySpanExporter(exported, policy))],
  });
  const t = tracing.startRun({ configName: 'dada', input: { text: PROMPT } });
  await t
    .run(async () => {
      await t.inStage(
        3,
        () => {
          t.logStage3SafetyCheck({
            loop: 1,
            safe: false,
            method: 'llm_context_check',
            foundTerms: ['skelett'],
            metadata: {
              verdict_text: `unsafe: "${PROMPT}" shows a skeleton`,
              request: { prompt: PROMPT, messages: [{ role: 'user', content: PROMPT }] },
            },
          });
          t.logStage3Blocked({ loop: 1, reason: 'x', content: 'blocked', foundTerms: ['skelett'] });
        },
        { loop: 1 },
      );
      await t.inStage(2, async () => {
        await t.backendCall(
          {
            operation: 'chat',
            provider: 'ollama',
            model: 'm',
            parameters: { temperature: 0.7, seed: 3 },
            systemInstructions: 'Rewrite the prompt as a Dada poem.',
            inputText: PROMPT,
          },
          async () => ({ text: `Dada! ${PROMPT}` }),
          (r) => ({ inputTokens: 6, outputTokens: 8, outputText: r.text }),
        );
        await t.backendCall({ operation: 'chat', provider: 'ollama' }, () =>
          Promise.reject(new RangeError(`model refused: "${PROMPT}"`)),
        );
      });
    })
    .catch(() => {});
  await tracing.forceFlush();
  const spans = exported.getFinishedSpans().filter((s) => s.spanContext().traceId === t.traceId);
  const text = JSON.stringify(
    spans.map((s) => ({ status: s.status, attributes: s.attributes, events: s.events })),
  );
  return { text, spans, record: (await store.get(t.executionId))! };
}

describe('content policy on the OTLP path', () => {
  it('metadata: nothing derived from the child’s text leaves the process', async () => {
    const { text, spans, record } = await leakyRun('metadata');
    for (const word of PROMPT.split(' ')) expect(text).not.toMatch(new RegExp(`\\b${word}\\b`));
    expect(text).not.toMatch(/skelett|model refused|Dada!/);
    expect(text).not.toMatch(/gen_ai\.(input|output)\.messages|gen_ai\.prompt/);
    // The backend span points at the record's item and keeps what is not the child's.
    const chat = spans.find((s) => s.attributes['gen_ai.usage.input_tokens'] === 6)!;
    expect(chat.attributes).toMatchObject({
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.seed': 3,
      'gen_ai.system_instructions':
        '[{"type":"text","content":"Rewrite the prompt as a Dada poem."}]',
      'execution.id': expect.any(String),
      'execution.item_ref.sequence_number': expect.any(Number),
    });
    // What is left says what happened without the text: lengths, hashes, counts, error types.
    expect(text).toContain('"execution.item.content_length"');
    expect(text).toContain('found_terms_count');
    expect(text).toContain('verdict_text_sha256');
    const exception = spans.flatMap((s) => s.events).find((e) => e.name === 'exception')!;
    expect(exception.attributes).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'RangeError',
    });
    expect(String(exception.attributes!['exception.stacktrace'])).toMatch(/^RangeError\n {4}at /);
    expect(spans.find((s) => s.status.code === 2)!.status.message).toBe('RangeError');
    // The record keeps everything.
    expect(JSON.stringify(record)).toContain('model refused');
    expect(
      record.items.find((i) => i.item_type === 'stage3_blocked')!.metadata.found_terms,
    ).toEqual(['skelett']);
    expect(
      record.items.find((i) => i.item_type === 'stage3_safety_check')!.metadata.verdict_text,
    ).toMatch(/^unsafe/);
  });

  it('full: the text goes as recorded, the messages in the GenAI conventions’ shape', async () => {
    const { text, spans } = await leakyRun('full');
    expect(text).toContain(PROMPT);
    expect(text).toContain('skelett');
    const chat = spans.find((s) => s.attributes['gen_ai.usage.input_tokens'] === 6)!;
    expect(JSON.parse(String(chat.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: PROMPT }] },
    ]);
    expect(JSON.parse(String(chat.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: `Dada! ${PROMPT}` }],
        finish_reason: 'stop',
      },
    ]);
  });
});
