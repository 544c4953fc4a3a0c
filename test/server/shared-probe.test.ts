import { describe, expect, it } from 'vitest';
import { sharedProbe } from '../../src/server/shared-probe.js';

describe('sharedProbe', () => {
  it('runs once per interval and shares the outcome, a failure too', async () => {
    let t = 0;
    let runs = 0;
    let fail = true;
    const probe = sharedProbe(
      async () => {
        runs += 1;
        if (fail) throw new Error('ENOSPC');
      },
      1_000,
      () => t,
    );
    await expect(Promise.all([probe(), probe()])).rejects.toThrow('ENOSPC');
    t = 999;
    await expect(probe()).rejects.toThrow('ENOSPC');
    expect(runs).toBe(1);
    fail = false;
    t = 1_000;
    await expect(probe()).resolves.toBeUndefined();
    expect(runs).toBe(2);
  });
});
