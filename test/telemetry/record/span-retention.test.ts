import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { ATTR_SPAN_ROLE, ROLE_STAGE } from '../../../src/telemetry/tracker/attributes.js';
import { createTracing } from '../../../src/telemetry/tracing.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A store whose saves wait until `release()`: a disk far behind the runs. */
class SlowStore extends MemoryRecordStore {
  private readonly waiting: (() => void)[] = [];
  override async save(record: ExecutionRecord): Promise<void> {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    await super.save(record);
  }
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/** Keeps only weak references to the stage spans that end. */
class WeakStageSpans implements SpanProcessor {
  readonly refs: WeakRef<ReadableSpan>[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if (span.attributes[ATTR_SPAN_ROLE] === ROLE_STAGE) this.refs.push(new WeakRef(span));
  }
  forceFlush = async (): Promise<void> => {};
  shutdown = async (): Promise<void> => {};
}

describe('the record path while saves wait on the disk', () => {
  it('keeps no span of a finished run alive but its head spans', async () => {
    const store = new SlowStore();
    const weak = new WeakStageSpans();
    const tracing = createTracing({ store, extraProcessors: [weak] });
    for (let n = 0; n < 20; n++) {
      const t = tracing.startRun({ configName: 'dada' });
      await t.run(async () => {
        await t.inStage(1, () => t.logUserInput('Ein Hund'));
        await t.inStage(2, () =>
          t.logInterceptionFinal('A dog', { totalIterations: 1, transformationType: 'dada' }),
        );
      });
    }
    await new Promise((resolve) => setImmediate(resolve)); // the saves begin, and wait
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(weak.refs).toHaveLength(40);
    // A run's record is built once its save begins; its stage spans are not needed after that.
    expect(weak.refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    store.release();
    await tracing.forceFlush();
    expect((await store.list()).total).toBe(20);
    await tracing.shutdown();
  });
});
