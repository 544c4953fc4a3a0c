import { describe, expect, it } from 'vitest';
import { forEachLimited, Limiter } from '../../src/store/limiter.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('runs at most its limit at once, the rest in call order, and frees the slot of a failed task', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const outcomes = Array.from({ length: 20 }, (_, n) =>
      limiter.run(async () => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await tick();
        running -= 1;
        if (n % 5 === 0) throw new Error(`task ${n}`);
        return n;
      }),
    );
    const settled = await Promise.allSettled(outcomes);
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(4);
    expect(settled[1]).toEqual({ status: 'fulfilled', value: 1 });
  });

  it('keeps call order over a long queue, with tasks added while it drains', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    const task = (n: number) => () => {
      started.push(n);
      return tick();
    };
    const first = Array.from({ length: 5_000 }, (_, n) => limiter.run(task(n)));
    await tick();
    const later = Array.from({ length: 3_000 }, (_, n) => limiter.run(task(5_000 + n)));
    await Promise.all([...first, ...later]);
    expect(started).toEqual(Array.from({ length: 8_000 }, (_, n) => n));
    await limiter.run(task(8_000));
    expect(started.at(-1)).toBe(8_000);
  });

  it('frees the slot of a task that throws before returning a promise', async () => {
    const limiter = new Limiter(1);
    await expect(
      limiter.run(() => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('forEachLimited visits every item once with at most the limit pending', async () => {
    let pending = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
      pending += 1;
      most = Math.max(most, pending);
      await tick();
      seen.push(n);
      pending -= 1;
    });
    expect(most).toBe(2);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
