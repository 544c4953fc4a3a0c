import type { IndexEntry } from '../../store/record-index.js';
import type { CellCount, RawStats } from './raw-stats.js';
import { StageHistograms } from './stage-percentiles.js';

/** Runs and the set of their users, while counting. */
class Tally {
  runs = 0;
  readonly users = new Set<string>();
  add(user: string): this {
    this.runs += 1;
    this.users.add(user);
    return this;
  }
  count(): CellCount {
    return { runs: this.runs, users: this.users.size };
  }
}

/** A tally per key, with extra numbers per key. */
class Tallies<X extends object> {
  readonly cells = new Map<string, { tally: Tally; extra: X }>();
  constructor(private readonly start: () => X) {}
  at(key: string, user: string): X {
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = { tally: new Tally(), extra: this.start() }));
    cell.tally.add(user);
    return cell.extra;
  }
  map<R>(f: (key: string, count: CellCount, extra: X) => R): R[] {
    return [...this.cells].map(([key, c]) => f(key, c.tally.count(), c.extra));
  }
}

/** The local calendar day (`YYYY-MM-DD`) of an instant, in this process's time zone. */
export function localDayOf(millis: number): string {
  const d = new Date(millis);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const SEP = '\u0000';

/**
 * Aggregates index entries (already filtered) as the SQL of `sqlStats` does: runs with facts
 * only (an incomplete run is counted once its final state is saved), stage percentiles read
 * from the same duration buckets as the PostgreSQL rollup.
 */
export function indexStats(entries: Iterable<IndexEntry>): RawStats {
  const total = new Tally();
  let blocked = 0;
  const perDay = new Tallies(() => ({}));
  const byLevel = new Tallies(() => ({ blocked: 0 }));
  const byConfig = new Tallies(() => ({ blocked: 0 }));
  const byCategory = new Tallies(() => ({}));
  const stages = new Tallies(() => ({}));
  const histograms = new StageHistograms();
  const outputs = new Tallies(() => ({ outputs: 0 }));
  const drift = new Tallies(() => ({ sum: 0 }));
  for (const { summary: s, facts: f, startMillis } of entries) {
    if (!f) continue;
    const user = s.user_id;
    total.add(user);
    const b = f.blocked ? 1 : 0;
    blocked += b;
    perDay.at(`${localDayOf(startMillis)}${SEP}${s.config_name}`, user);
    byLevel.at(s.safety_level, user).blocked += b;
    byConfig.at(s.config_name, user).blocked += b;
    if (f.blocked) byCategory.at(`${f.blockStage}${SEP}${f.blockCategory}`, user);
    f.stageMicros.forEach((m, i) => {
      if (m === null) return;
      stages.at(String(i + 1), user);
      histograms.addMicros(i + 1, m);
    });
    for (const o of f.outputs) outputs.at(o.mediaType, user).outputs += o.count;
    f.drift.forEach((d, i) => {
      if (d !== null) drift.at(String(i + 1), user).sum += d;
    });
  }
  return {
    total: { ...total.count(), blocked },
    perDay: perDay.map((key, c) => {
      const at = key.indexOf(SEP);
      return { ...c, day: key.slice(0, at), config: key.slice(at + 1) };
    }),
    byLevel: byLevel.map((level, c, x) => ({ ...c, level, blocked: x.blocked })),
    byConfig: byConfig.map((config, c, x) => ({ ...c, config, blocked: x.blocked })),
    byCategory: byCategory.map((key, c) => {
      const at = key.indexOf(SEP);
      return { ...c, stage: Number(key.slice(0, at)), category: key.slice(at + 1) };
    }),
    stages: histograms.stages(stages.map((stage, c) => ({ ...c, stage: Number(stage) }))),
    outputs: outputs.map((mediaType, c, x) => ({ ...c, mediaType, outputs: x.outputs })),
    drift: drift.map((i, c, x) => ({ ...c, iteration: Number(i), similaritySum: x.sum })),
  };
}
