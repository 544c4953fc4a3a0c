import type { InterceptionConfig } from './catalog-schemas.js';

/**
 * The steps a run is expected to take, known before it starts, as ids:
 * `stage1.safety`, `stage1.translation`, `stage2.iteration.<i>` (recursive configs),
 * `stage2.final`, then per output loop `stage3.loop.<n>` (when stage 3 applies) and
 * `stage4.loop.<n>`.
 */
export function expectedSteps(
  config: Pick<InterceptionConfig, 'transformation' | 'iterations'>,
  outputCount: number,
  stage3: boolean,
): string[] {
  const steps = ['stage1.safety', 'stage1.translation'];
  if (config.transformation === 'recursive')
    for (let i = 1; i <= (config.iterations ?? 0); i++) steps.push(`stage2.iteration.${i}`);
  steps.push('stage2.final');
  for (let loop = 1; loop <= outputCount; loop++) {
    if (stage3) steps.push(`stage3.loop.${loop}`);
    steps.push(`stage4.loop.${loop}`);
  }
  return steps;
}

/**
 * The expected steps of a saved run, for replaying its progress: its config's steps with as
 * many output loops as its items show (a run without stage 3 or 4 items that ended: none;
 * one that did not end: the config's default outputs). Unknown config: a single stage 2 step.
 */
export function stepsOfRecord(
  configs: ReadonlyMap<string, InterceptionConfig>,
  record: {
    config_name: string;
    safety_level: string;
    items: readonly { loop_iteration: number | null; item_type: string }[];
  },
): string[] {
  const config = configs.get(record.config_name) ?? { transformation: 'single' as const };
  const loops = Math.max(0, ...record.items.map((i) => i.loop_iteration ?? 0));
  const ended = record.items.some((i) => i.item_type === 'pipeline_complete');
  const outputs =
    loops > 0 || ended ? loops : 'output_configs' in config ? config.output_configs.length : 0;
  const stage3 = record.safety_level !== 'off' && record.safety_level !== 'research';
  return expectedSteps(config, outputs, stage3);
}
