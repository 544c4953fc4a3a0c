import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import {
  RunBuffer,
  type RunBufferOptions,
  type RunSpans,
} from '../../../src/telemetry/record/run-buffer.js';
import { BufferFullError, type SpanRefusal } from '../../../src/telemetry/record/run-limits.js';
import { spanFixture } from '../../helpers/span-fixtures.js';

let spanIds = 0;
/** An ended span of run `id` with the given role. */
const span = (id: string, role: string): ReadableSpan =>
  spanFixture({
    spanId: (++spanIds).toString(16).padStart(16, '0'),
    startMs: 0,
    endMs: 1,
    attributes: { [A.ATTR_EXECUTION_ID]: id, [A.ATTR_SPAN_ROLE]: role },
  });

/**
 * A buffer whose sink notes every call as `kind id spans`: the spans it takes at once (those
 * since the sink last took the run's spans), or for `late` the spans given.
 */
function buffer(options: RunBufferOptions = {}) {
  const calls: string[] = [];
  const note = (kind: string) => (id: string, spans: RunSpans) => {
    calls.push(`${kind} ${id} ${spans.take().length}`);
    return Promise.resolve();
  };
  const b = new RunBuffer(
    {
      checkpoint: note('checkpoint'),
      finish: note('finish'),
      late: (id, spans) => {
        calls.push(`late ${id} ${spans.length}`);
        return Promise.resolve();
      },
      evict: note('evict'),
      discarded: (id, ended) => calls.push(`discarded ${id} ${ended}`),
      refused: (r: SpanRefusal) => calls.push(`refused ${r.executionId} ${r.spans} ${r.reason}`),
    },
    options,
  );
  /** Takes ended spans; the number of saves they started. */
  const accept = (...spans: ReadableSpan[]): number => b.accept(spans).length;
  return { b, calls, accept };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RunBuffer', () => {
  it('checkpoints at each stage end at once by default, not for a backend span alone', () => {
    const { calls, accept } = buffer();
    expect(accept(span('r1', A.ROLE_START))).toBe(1);
    expect(accept(span('r1', A.ROLE_BACKEND))).toBe(0);
    accept(span('r1', A.ROLE_STAGE));
    expect(calls).toEqual(['checkpoint r1 1', 'checkpoint r1 2']);
  });

  it('hands a run its spans once: a save not yet written takes every span ended before it', () => {
    const taken: ReadableSpan[][] = [];
    let queued: RunSpans | undefined;
    const b = new RunBuffer({
      checkpoint: (_id, spans) => {
        queued = spans; // written later, as the spool writes after the caller's turn
        return Promise.resolve();
      },
      finish: (_id, spans) => {
        taken.push(spans.take());
        return Promise.resolve();
      },
      late: () => Promise.resolve(),
      evict: () => Promise.resolve(),
    });
    const start = span('r1', A.ROLE_START);
    const stage = span('r1', A.ROLE_STAGE);
    void b.accept([start]);
    void b.accept([span('r1', A.ROLE_BACKEND)]);
    void b.accept([stage]);
    expect([...b.openRuns()]).toEqual([expect.objectContaining({ id: 'r1', start })]);
    taken.push(queued!.take());
    expect(taken[0]).toHaveLength(3);
    expect(queued!.take()).toEqual([]);
    // Taken spans still count against the run's limits while it is open; released with it.
    expect(b.usage().spans).toBe(3);
    void b.accept([span('r1', A.ROLE_RUN)]);
    expect(taken[1]!.map((s) => s.attributes[A.ATTR_SPAN_ROLE])).toEqual([A.ROLE_RUN]);
    expect(b.usage().spans).toBe(0);
  });

  it('coalesces stage ends within the checkpoint delay into one checkpoint', () => {
    const { calls, accept } = buffer({ checkpointDelayMillis: 50 });
    accept(span('r1', A.ROLE_START));
    vi.advanceTimersByTime(30);
    accept(span('r1', A.ROLE_STAGE));
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(calls).toEqual(['checkpoint r1 2']);
    accept(span('r1', A.ROLE_ITERATION));
    vi.advanceTimersByTime(50);
    expect(calls).toEqual(['checkpoint r1 2', 'checkpoint r1 1']);
  });

  it('saves the final record when the run span ends, with no checkpoint left to fire', () => {
    const { b, calls, accept } = buffer({ checkpointDelayMillis: 50 });
    accept(span('r1', A.ROLE_START), span('r1', A.ROLE_STAGE));
    accept(span('r1', A.ROLE_RUN));
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(['finish r1 3']);
    expect(b.size).toBe(0);
  });

  it('hands spans that come after the run ended to late merging', () => {
    const { calls, accept } = buffer();
    accept(span('r1', A.ROLE_RUN));
    accept(span('r1', A.ROLE_BACKEND), span('r1', A.ROLE_STAGE));
    expect(calls).toEqual(['finish r1 1', 'late r1 2']);
  });

  it('groups spans of several runs in one export by run, ignoring spans of no run', () => {
    const { calls, accept } = buffer();
    const stray = spanFixture({ spanId: 'f'.repeat(16), startMs: 0, endMs: 1, attributes: {} });
    accept(span('r1', A.ROLE_STAGE), stray, span('r2', A.ROLE_RUN), span('r1', A.ROLE_STAGE));
    expect(calls).toEqual(['checkpoint r1 2', 'finish r2 1']);
  });

  it('evicts a run not seen for the timeout, saving what it has', () => {
    const { b, calls, accept } = buffer({ incompleteRunTimeoutMillis: 1_000 });
    accept(span('old', A.ROLE_BACKEND)); // no checkpoint: the eviction takes the span
    vi.advanceTimersByTime(600);
    accept(span('new', A.ROLE_BACKEND));
    vi.advanceTimersByTime(700); // the sweep runs every quarter of the timeout
    expect(calls.filter((c) => c.startsWith('evict'))).toEqual(['evict old 1']);
    expect(b.size).toBe(1);
    vi.advanceTimersByTime(600);
    expect(calls.filter((c) => c.startsWith('evict'))).toEqual(['evict old 1', 'evict new 1']);
    expect(b.size).toBe(0);
  });

  it('evicts the oldest run past the count limit', () => {
    const { b, calls, accept } = buffer({ maxBufferedRuns: 2 });
    for (const id of ['a', 'b', 'c']) accept(span(id, A.ROLE_BACKEND));
    expect(calls).toEqual(['evict a 1']);
    expect(b.size).toBe(2);
  });

  it('drops a discarded run and its later spans, telling when its run span ended', () => {
    const { b, calls, accept } = buffer({ checkpointDelayMillis: 50 });
    accept(span('r1', A.ROLE_START));
    b.discard('r1');
    vi.advanceTimersByTime(100);
    accept(span('r1', A.ROLE_STAGE));
    accept(span('r1', A.ROLE_RUN));
    expect(calls).toEqual(['discarded r1 false', 'discarded r1 true']);
    expect(b.evictAll()).toHaveLength(0);
  });

  it('saves pending delayed checkpoints on flush, and open runs on evictAll', () => {
    const { b, calls, accept } = buffer({ checkpointDelayMillis: 60_000 });
    accept(span('r1', A.ROLE_START));
    accept(span('r2', A.ROLE_BACKEND));
    expect(b.flushCheckpoints()).toHaveLength(1);
    expect(b.evictAll()).toHaveLength(2);
    vi.advanceTimersByTime(120_000);
    expect(calls).toEqual(['checkpoint r1 1', 'evict r1 0', 'evict r2 1']);
  });

  it('refuses spans of another trace and spans past a run limit, taking the rest', () => {
    const { b, calls, accept } = buffer({ maxSpansPerRun: 2 });
    const other = { ...span('r1', A.ROLE_STAGE) };
    other.spanContext = () => ({
      ...span('r1', A.ROLE_STAGE).spanContext(),
      traceId: 'f'.repeat(32),
    });
    accept(
      span('r1', A.ROLE_BACKEND),
      other,
      span('r1', A.ROLE_BACKEND),
      span('r1', A.ROLE_BACKEND),
    );
    expect(calls).toEqual(['refused r1 1 other_trace', 'refused r1 1 run_spans']);
    expect(b.usage().spans).toBe(2);
  });

  it('takes nothing of an export past the byte bound, but still the spans that end a run', () => {
    const { b, calls, accept } = buffer({ maxBufferedBytes: 2_000 });
    accept(span('r1', A.ROLE_BACKEND));
    const before = b.usage();
    expect(() => accept(span('r2', A.ROLE_BACKEND), span('r3', A.ROLE_BACKEND))).toThrow(
      BufferFullError,
    );
    expect(b.usage()).toEqual(before);
    expect(b.size).toBe(1);
    accept(span('r1', A.ROLE_RUN));
    expect(calls).toEqual(['finish r1 2']);
    expect(b.usage()).toEqual({ spans: 0, bytes: 0 });
  });
});
