import { RecentMap } from '../../common/recent-map.js';
import { RunState } from './run-state.js';

/**
 * The record states of the runs an assembler holds: one per open run, and those of the most
 * recently finished runs (for late spans; the oldest go first past `finishedKept`).
 */
export class RunStates {
  private readonly open = new Map<string, RunState>();
  private readonly finished: RecentMap<string, RunState>;

  constructor(finishedKept = 256) {
    this.finished = new RecentMap(finishedKept);
  }

  /** The open run's state, made on first use. */
  of(id: string): RunState {
    let state = this.open.get(id);
    if (!state) this.open.set(id, (state = new RunState()));
    return state;
  }

  /** The run ended: its state moves to the finished ones. */
  finish(id: string): RunState {
    const state = this.of(id);
    this.open.delete(id);
    this.keepFinished(id, state);
    return state;
  }

  /** A finished run's state, if still kept. */
  finishedState(id: string): RunState | undefined {
    return this.finished.get(id);
  }

  /** Keeps `state` as the finished run's newest (most recently used). */
  keepFinished(id: string, state: RunState): void {
    this.finished.set(id, state);
  }

  /** Drops an open run's state (evicted). */
  dropOpen(id: string): void {
    this.open.delete(id);
  }

  /** Drops every state of the run (it is being deleted). */
  forget(id: string): void {
    this.open.delete(id);
    this.finished.delete(id);
  }
}
