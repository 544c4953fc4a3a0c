import type { Item } from './types.js';

/** One bar of the waterfall, in milliseconds from the run's start. */
export interface Bar {
  kind: 'stage' | 'step';
  stage: number;
  /** Item type for steps; null for stage bars. */
  itemType: string | null;
  loop: number | null;
  iteration: number | null;
  backend: string | null;
  model: string | null;
  startMillis: number;
  durationMillis: number;
}

/** The waterfall of a run and its whole span. */
export interface Waterfall {
  bars: Bar[];
  totalMillis: number;
}

/**
 * Stage and backend times from the items: each timed item is a bar ending at its timestamp and
 * lasting its `execution_time`; each stage is a bar from its first start to its last end.
 */
export function waterfall(items: readonly Item[], totalSeconds: number | null = null): Waterfall {
  const start = items.find((i) => i.item_type === 'pipeline_start') ?? items[0];
  if (!start) return { bars: [], totalMillis: 0 };
  const t0 = Date.parse(start.timestamp);
  const steps: Bar[] = [];
  for (const item of items) {
    if (item.stage < 1 || item.stage > 4) continue;
    const end = Date.parse(item.timestamp) - t0;
    const duration = Math.max(0, (item.execution_time ?? 0) * 1000);
    steps.push({
      kind: 'step',
      stage: item.stage,
      itemType: item.item_type,
      loop: item.loop_iteration,
      iteration: item.stage_iteration,
      backend: item.backend_type,
      model: item.model_used,
      startMillis: Math.max(0, end - duration),
      durationMillis: duration,
    });
  }
  const bars: Bar[] = [];
  const stageKeys = [
    ...new Set(steps.map((s) => `${s.stage}:${s.stage >= 3 ? (s.loop ?? '') : ''}`)),
  ];
  for (const key of stageKeys) {
    const group = steps.filter((s) => `${s.stage}:${s.stage >= 3 ? (s.loop ?? '') : ''}` === key);
    const from = Math.min(...group.map((s) => s.startMillis));
    const to = Math.max(...group.map((s) => s.startMillis + s.durationMillis));
    bars.push({
      kind: 'stage',
      stage: group[0]!.stage,
      itemType: null,
      loop: group[0]!.stage >= 3 ? group[0]!.loop : null,
      iteration: null,
      backend: null,
      model: null,
      startMillis: from,
      durationMillis: to - from,
    });
    bars.push(...group.filter((s) => s.durationMillis > 0));
  }
  const ends = items.map((i) => Date.parse(i.timestamp) - t0);
  const totalMillis = Math.max(totalSeconds != null ? totalSeconds * 1000 : 0, ...ends, 1);
  return { bars, totalMillis };
}
