import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withinTime } from '../../src/common/time-limit.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('withinTime', () => {
  it('gives the work’s value when it settles in time, and clears its timer', async () => {
    const answer = withinTime(Promise.resolve('saved'), 1_000, () => 'pending');
    await expect(answer).resolves.toBe('saved');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives what onTimeout returns once the time is up, not before', async () => {
    const never = new Promise<string>(() => {});
    let settled: string | undefined;
    void withinTime(never, 1_000, () => 'pending').then((v) => (settled = v));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe('pending');
  });

  it('rejects with what onTimeout throws, and passes the work’s own rejection through', async () => {
    const late = withinTime(new Promise(() => {}), 50, () => {
      throw new Error('no verdict within 50 ms');
    });
    const caught = late.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(50);
    expect(await caught).toBe('no verdict within 50 ms');
    await expect(
      withinTime(Promise.reject(new Error('store down')), 50, () => 'pending'),
    ).rejects.toThrow('store down');
    expect(vi.getTimerCount()).toBe(0);
  });
});
