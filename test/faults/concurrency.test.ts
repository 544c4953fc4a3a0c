import { describe, expect, it } from 'vitest';
import { listen } from '../helpers/listen.js';
import { testApp } from '../helpers/test-app.js';

const FLOWS = [
  { schema: 'dada', output_config: 'none', items: 6 },
  { schema: 'dada', items: 8 },
  { schema: 'stillepost', items: 14 },
  { schema: 'image_comparison', text: 'Ein freundliches Skelett', items: 10 },
  { schema: 'dada', text: 'Ein Hakenkreuz', items: 5 },
];

describe('concurrency', () => {
  it('200 simultaneous runs of mixed flows: every record complete, only its own items, no gaps', async () => {
    const ctx = await testApp();
    const server = await listen(ctx.app);
    const runs = await Promise.all(
      Array.from({ length: 200 }, async (_, n) => {
        const flow = FLOWS[n % FLOWS.length]!;
        const text = `${flow.text ?? 'Eine Blume'} Nummer ${n}`;
        const res = await fetch(`${server.url}/api/schema/pipeline/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            schema: flow.schema,
            input_text: text,
            output_config: flow.output_config,
            user_id: `child-${n}`,
          }),
        });
        return {
          n,
          flow,
          text,
          status: res.status,
          body: (await res.json()) as { execution_id: string; trace_id: string },
        };
      }),
    );
    await ctx.tracing.forceFlush();
    expect(new Set(runs.map((r) => r.body.execution_id)).size).toBe(200);
    for (const r of runs) {
      expect([200, 403]).toContain(r.status);
      const record = (await ctx.store.get(r.body.execution_id))!;
      expect(record.user_id).toBe(`child-${r.n}`);
      expect(record.trace_id).toBe(r.body.trace_id);
      expect(record.items).toHaveLength(r.flow.items);
      expect(record.items.map((i) => i.sequence_number)).toEqual(
        Array.from({ length: r.flow.items }, (_, k) => k + 1),
      );
      expect(record.items[1]!.content).toBe(r.text);
      expect(['pipeline_complete', 'pipeline_error']).toContain(record.items.at(-1)!.item_type);
      expect(record.status).not.toBe('incomplete');
      for (const item of record.items)
        if (item.file_path) expect(item.file_path).toContain(record.execution_id);
    }
    await server.close();
  }, 60_000);
});
