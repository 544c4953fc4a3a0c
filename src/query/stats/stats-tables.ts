import { OUTPUT_MEDIA_TYPES } from '../../domain/media-type.js';
import { SAFETY_LEVELS } from '../../domain/safety-level.js';
import { SIMILARITY_SCALE } from '../../store/stats/text-similarity.js';
import { suppressSmallCells } from './k-anonymity.js';
import type { CellCount, RawStats } from './raw-stats.js';
import type { TableName } from './table-names.js';

/** A value of a stats table cell. */
export type StatsValue = string | number | null;

/** One breakdown as the API, the page and its CSV show it. */
export interface StatsTable {
  /** Column names, in CSV order. */
  columns: string[];
  rows: Record<string, StatsValue>[];
  /** Cells left out because their runs come from fewer than k distinct users. */
  hidden: number;
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const rate = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : null);
const ms = (micros: number) => round(micros / 1000, 3);

/** Known values first in their vocabulary's order, then the rest alphabetically. */
function rankOf(order: readonly string[]) {
  return (a: string, b: string) => {
    const [x, y] = [order.indexOf(a), order.indexOf(b)];
    if (x !== y) return (x < 0 ? Infinity : x) - (y < 0 ? Infinity : y);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
const text = rankOf([]);

function table<C extends CellCount>(
  cells: C[],
  compare: (a: C, b: C) => number,
  columns: string[],
  row: (c: C) => Record<string, StatsValue>,
  k: number,
  allHidden: boolean,
): StatsTable {
  const { shown, hidden } = suppressSmallCells([...cells].sort(compare), k, allHidden);
  return { columns, rows: shown.map(row), hidden };
}

/** The tables of raw aggregates: sorted, rounded, and cells under `k` users hidden. */
export function statsTables(raw: RawStats, k: number): Record<TableName, StatsTable> {
  const all = raw.total.users < k;
  const level = rankOf(SAFETY_LEVELS);
  const media = rankOf(OUTPUT_MEDIA_TYPES);
  return {
    runs_per_day: table(
      raw.perDay,
      (a, b) => text(a.day, b.day) || text(a.config, b.config),
      ['day', 'config', 'runs'],
      (c) => ({ day: c.day, config: c.config, runs: c.runs }),
      k,
      all,
    ),
    block_rate_by_level: table(
      raw.byLevel,
      (a, b) => level(a.level, b.level),
      ['safety_level', 'runs', 'blocked', 'block_rate'],
      (c) => ({
        safety_level: c.level,
        runs: c.runs,
        blocked: c.blocked,
        block_rate: rate(c.blocked, c.runs),
      }),
      k,
      all,
    ),
    block_rate_by_config: table(
      raw.byConfig,
      (a, b) => text(a.config, b.config),
      ['config', 'runs', 'blocked', 'block_rate'],
      (c) => ({
        config: c.config,
        runs: c.runs,
        blocked: c.blocked,
        block_rate: rate(c.blocked, c.runs),
      }),
      k,
      all,
    ),
    blocks_by_category: table(
      raw.byCategory,
      (a, b) => a.stage - b.stage || text(a.category, b.category),
      ['stage', 'category', 'blocked', 'block_rate'],
      (c) => ({
        stage: c.stage,
        category: c.category,
        blocked: c.runs,
        block_rate: rate(c.runs, raw.total.runs),
      }),
      k,
      all,
    ),
    stage_durations: table(
      raw.stages,
      (a, b) => a.stage - b.stage,
      ['stage', 'runs', 'p50_ms', 'p95_ms'],
      (c) => ({ stage: c.stage, runs: c.runs, p50_ms: ms(c.p50), p95_ms: ms(c.p95) }),
      k,
      all,
    ),
    outputs_by_media_type: table(
      raw.outputs,
      (a, b) => media(a.mediaType, b.mediaType),
      ['media_type', 'outputs', 'runs'],
      (c) => ({ media_type: c.mediaType, outputs: c.outputs, runs: c.runs }),
      k,
      all,
    ),
    stillepost_drift: table(
      raw.drift,
      (a, b) => a.iteration - b.iteration,
      ['iteration', 'runs', 'mean_similarity', 'mean_drift'],
      (c) => {
        const mean = c.similaritySum / c.runs / SIMILARITY_SCALE;
        return {
          iteration: c.iteration,
          runs: c.runs,
          mean_similarity: round(mean, 4),
          mean_drift: round(1 - mean, 4),
        };
      },
      k,
      all,
    ),
  };
}
