import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { createTracing } from '../../../src/telemetry/tracing.js';

describe('attribute limits from the environment', () => {
  const saved = process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
  afterEach(() => {
    if (saved === undefined) delete process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    else process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = saved;
  });

  it("an operator's OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT cuts neither the run nor a child's words", async () => {
    process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = '8'; // shorter than an execution id
    const store = new MemoryRecordStore();
    const tracing = createTracing({ store });
    const prompt = 'Ein fröhlicher Drache fliegt über den Garten';
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(async () => {
      await t.inStage(1, () => t.logUserInput(prompt, { language: 'de' }));
    });
    await tracing.shutdown();
    const record = await store.get(t.executionId);
    expect(record?.items.find((i) => i.item_type === 'user_input_text')?.content).toBe(prompt);
  });
});
