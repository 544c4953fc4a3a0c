import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { tokenUsage } from '../../src/domain/token-usage.js';
import { ITEMS_TABLE } from '../../src/research/item-columns.js';
import { RUNS_TABLE } from '../../src/research/run-columns.js';
import { testApp } from '../helpers/test-app.js';

const column = <R>(
  table: { columns: readonly { name: string; get: (r: R) => unknown }[] },
  name: string,
) => table.columns.find((c) => c.name === name)!;

describe('token usage', () => {
  it('sums the items’ counts, counts the calls, and is null without any', () => {
    expect(
      tokenUsage([
        { metadata: { input_tokens: 3, output_tokens: 4 } },
        { metadata: { input_tokens: 5 } },
        { metadata: { input_tokens: -1, output_tokens: 'x' } },
        { metadata: {} },
      ]),
    ).toEqual({ input_tokens: 8, output_tokens: 4, calls: 2 });
    expect(tokenUsage([{ metadata: {} }])).toBeNull();
  });

  it('a pipeline run’s record holds the totals of its model spans, and the bundle has them as columns', async () => {
    const ctx = await testApp();
    const res = await request(ctx.app)
      .post('/api/schema/pipeline/execute')
      .send({ schema: 'stillepost', input_text: 'Eine Blume auf der Wiese' });
    await ctx.tracing.forceFlush();
    const record = (await ctx.store.get(res.body.execution_id))!;
    const chats = ctx.memory
      .getFinishedSpans()
      .filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    const sum = (key: string) => chats.reduce((n, s) => n + Number(s.attributes[key]), 0);
    expect(record.token_usage).toEqual({
      input_tokens: sum('gen_ai.usage.input_tokens'),
      output_tokens: sum('gen_ai.usage.output_tokens'),
      calls: chats.length,
    });
    expect(column(RUNS_TABLE, 'input_tokens').get(record)).toBe(record.token_usage!.input_tokens);
    expect(column(RUNS_TABLE, 'output_tokens').get(record)).toBe(record.token_usage!.output_tokens);
    const translation = record.items.find((i) => i.item_type === 'translation_result')!;
    const row = { execution_id: record.execution_id, item: translation };
    expect(column(ITEMS_TABLE, 'input_tokens').get(row)).toBe(translation.metadata.input_tokens);
    await ctx.tracing.shutdown();
  });
});
