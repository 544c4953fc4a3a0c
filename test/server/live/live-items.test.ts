import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ExecutionItem } from '../../../src/domain/execution-item.js';
import { LiveItems, type LiveEvent } from '../../../src/server/live/live-items.js';

const item = (sequence_number: number, item_type: string, metadata = {}) =>
  ({ sequence_number, item_type, stage: 5, loop_iteration: null, metadata }) as ExecutionItem;

describe('LiveItems', () => {
  it('replays, follows, and ends on the final save; knows the announced steps', () => {
    const live = new LiveItems(1_000, 60_000);
    live.onRunStart({ executionId: 'r', traceId: 't', steps: ['stage1.safety'] });
    live.onItem('r', item(1, 'pipeline_start'));
    const events: LiveEvent[] = [];
    const sub = live.subscribe('r', (e) => events.push(e))!;
    expect(sub.steps).toEqual(['stage1.safety']);
    live.onItem('r', item(2, 'pipeline_complete', { outcome: 'blocked' }));
    live.end('r', 'blocked');
    expect(events.map((e) => e.kind)).toEqual(['item', 'item', 'end']);
    expect(live.subscribe('r', () => undefined)).toBeUndefined();
  });

  it('ends a run’s streams with its terminal item’s outcome when the final save never comes', () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const live = new LiveItems(1_000, 30);
    const events: LiveEvent[] = [];
    live.onItem('r', item(1, 'pipeline_start'));
    live.subscribe('r', (e) => events.push(e));
    live.onItem('r', item(2, 'pipeline_complete', { outcome: 'completed' }));
    vi.advanceTimersByTime(29);
    expect(events.at(-1)?.kind).toBe('item');
    vi.advanceTimersByTime(1);
    expect(events.at(-1)).toEqual({ kind: 'end', status: 'completed' });
  });

  it('keeps nothing of an ended run but its id: no items, no grace timer; late items are dropped', () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const live = new LiveItems(1_000, 60_000);
    live.onItem('r', item(1, 'pipeline_start'));
    live.onItem('r', item(2, 'pipeline_complete', { outcome: 'completed' }));
    expect(vi.getTimerCount()).toBe(1); // the grace timer
    live.end('r', 'completed');
    expect(vi.getTimerCount()).toBe(1); // only the one that forgets ended ids
    live.onItem('r', item(3, 'pipeline_complete', { outcome: 'completed' })); // late
    vi.advanceTimersByTime(500);
    for (const id of ['s', 't']) {
      live.onItem(id, item(1, 'pipeline_start'));
      live.end(id, 'completed');
    }
    expect(vi.getTimerCount()).toBe(1); // one for every ended run
    expect(live.subscribe('r', () => undefined)).toBeUndefined();
    vi.advanceTimersByTime(500); // r is due, s and t half a second later
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(vi.getTimerCount()).toBe(0);
    // Forgotten: the id may start again (a continued run), followed as a new one.
    live.onItem('r', item(4, 'pipeline_start'));
    const events: LiveEvent[] = [];
    live.subscribe('r', (e) => events.push(e));
    expect(events).toEqual([{ kind: 'item', item: item(4, 'pipeline_start') }]);
  });
});
