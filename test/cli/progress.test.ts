import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (t: string) => writes.push(t) }, writes };
}

describe('createProgress', () => {
  it('redraws one bar in place on a terminal, at most every redraw interval, and clears it', () => {
    const { stream, writes } = terminal(true);
    let clock = 0;
    const progress = createProgress(stream, 10, 'importing', { now: () => clock });
    expect(writes).toEqual(['\r\x1b[2Kimporting [------------------------] 0% 0/10']);
    progress.tick(); // too soon: no redraw
    clock = 150;
    progress.tick(3);
    progress.tick(6); // the last one always draws
    progress.done();
    expect(writes.slice(1)).toEqual([
      '\r\x1b[2Kimporting [##########--------------] 40% 4/10',
      '\r\x1b[2Kimporting [########################] 100% 10/10',
      '\r\x1b[2K',
    ]);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const { stream, writes } = terminal(false);
    const progress = createProgress(stream, 3, 'importing');
    progress.tick(3);
    progress.done();
    expect(writes).toEqual([]);
  });
});
