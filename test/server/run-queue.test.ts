import { describe, expect, it } from 'vitest';
import { PerClientLimit } from '../../src/server/per-client-limit.js';
import { RunQueue } from '../../src/server/run-queue.js';

describe('RunQueue', () => {
  it('runs at most maxRunning at once, queues maxQueued in order, refuses beyond', async () => {
    const queue = new RunQueue(2, 2);
    const order: number[] = [];
    const tickets = [0, 1, 2, 3].map((n) => {
      const t = queue.enter()!;
      void t.granted.then(() => order.push(n));
      return t;
    });
    expect(queue.enter()).toBeNull();
    expect(tickets.map((t) => t.queued)).toEqual([false, false, true, true]);
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    expect(queue.stats()).toEqual({ running: 2, queued: 2, refused: 1 });
    tickets[0]!.release();
    tickets[0]!.release(); // harmless
    await Promise.resolve();
    expect(order).toEqual([0, 1, 2]);
    expect(queue.stats()).toMatchObject({ running: 2, queued: 1 });
    tickets[3]!.release(); // leaves the queue, frees no slot
    expect(queue.stats()).toMatchObject({ running: 2, queued: 0 });
    tickets[1]!.release();
    tickets[2]!.release();
    expect(queue.stats()).toMatchObject({ running: 0, queued: 0 });
    expect(queue.enter()!.queued).toBe(false);
  });
});

describe('PerClientLimit', () => {
  it('holds at most max per client, others unaffected; release gives one back once', () => {
    const limit = new PerClientLimit(2);
    const a1 = limit.acquire('a')!;
    limit.acquire('a');
    expect(limit.acquire('a')).toBeNull();
    expect(limit.acquire('b')).not.toBeNull();
    a1();
    a1();
    expect(limit.acquire('a')).not.toBeNull();
    expect(limit.acquire('a')).toBeNull();
    expect(limit.stats()).toEqual({ held: 3, clients: 2, refused: 2 });
  });
});
