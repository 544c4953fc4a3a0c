import { RecentMap } from '../../common/recent-map.js';
import type { SaveOutcome } from '../../store/record-spool.js';

/** Final outcomes remembered for `whenSaved` and late merges (the oldest go first). */
const OUTCOMES_REMEMBERED = 10_000;

/**
 * The save promises a request waits on: each open run's first save (its start checkpoint) and
 * each finished run's final save; once a final save settles only its outcome is kept (a pending
 * promise would hold the run's record), and only the newest ones.
 */
export class RunOutcomes {
  private readonly firsts = new Map<string, Promise<SaveOutcome>>();
  private readonly finals = new RecentMap<string, Promise<SaveOutcome> | SaveOutcome>(
    OUTCOMES_REMEMBERED,
  );

  /** Notes a checkpoint save; the run's first one is what `first` answers. */
  started(id: string, save: Promise<SaveOutcome>): Promise<SaveOutcome> {
    if (!this.firsts.has(id)) this.firsts.set(id, save);
    return save;
  }

  /** Forgets a run's first save (it was evicted). */
  forgetStart(id: string): void {
    this.firsts.delete(id);
  }

  /** Notes the run's final save (or a late merge after it), ending its first-save wait. */
  finished(id: string, final: Promise<SaveOutcome>): void {
    this.firsts.delete(id);
    this.finals.set(id, final);
    void final.then((outcome) => {
      if (this.finals.get(id) === final) this.finals.replace(id, outcome);
    });
  }

  first(id: string): Promise<SaveOutcome> | undefined {
    return this.firsts.get(id);
  }

  final(id: string): Promise<SaveOutcome> | SaveOutcome | undefined {
    return this.finals.get(id);
  }
}

/** `outcome`, or `pending` when it does not settle within `waitMillis`. */
export async function within(
  outcome: Promise<SaveOutcome>,
  waitMillis: number,
): Promise<SaveOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SaveOutcome>((resolve) => {
    timer = setTimeout(() => resolve('pending'), waitMillis);
  });
  try {
    return await Promise.race([outcome, late]);
  } finally {
    clearTimeout(timer);
  }
}
