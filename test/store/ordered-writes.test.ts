import { describe, expect, it } from 'vitest';
import { OrderedWrites } from '../../src/store/ordered-writes.js';

/** A task that finishes when `release` is called, logging its start and end. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    release,
  };
}

/** Lets every queued promise reaction run (no time passes on any clock that matters). */
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('OrderedWrites', () => {
  it('runs the tasks of one key in call order, each after the one before has settled', async () => {
    const writes = new OrderedWrites();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const first = writes.run('run-1', a.task);
    const second = writes.run('run-1', b.task);
    await flush();
    expect(log).toEqual(['start a']);
    b.release();
    a.release();
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('goes on after a failed task, which still rejects for its caller', async () => {
    const writes = new OrderedWrites();
    const failed = writes.run('run-1', () => Promise.reject(new Error('disk full')));
    const next = writes.run('run-1', async () => 'written');
    await expect(failed).rejects.toThrow('disk full');
    expect(await next).toBe('written');
  });

  it('runs tasks of different keys side by side; settled and idle wait without rejecting', async () => {
    const writes = new OrderedWrites();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const one = writes.run('run-1', a.task);
    const two = writes.run('run-2', b.task);
    await flush();
    expect(log).toEqual(['start a', 'start b']);
    const settled = writes.settled('run-2').then(() => log.push('run-2 settled'));
    b.release();
    await settled;
    expect(log).toContain('end b');
    expect(log).not.toContain('end a');
    const failing = writes.run('run-1', () => Promise.reject(new Error('no')));
    a.release();
    await writes.idle();
    await expect(failing).rejects.toThrow('no');
    expect(await one).toBe('a');
    expect(await two).toBe('b');
  });
});
