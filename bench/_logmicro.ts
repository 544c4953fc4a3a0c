import { ensureContextManager } from '../src/telemetry/tracing.js';
import { ExecutionTracker } from '../src/telemetry/tracker/execution-tracker.js';
import { discardingTracer } from './raw-sdk-run.js';
import { percentile, fmt } from './stats.js';
ensureContextManager();
const tracer = discardingTracer();
async function round() {
  const times: number[] = [];
  for (let run = 0; run < 12000; run++) {
    const t = ExecutionTracker.start({ tracer, configName: 'stillepost' });
    t.setStage(2);
    for (let i = 1; i <= 8; i++) {
      t.setStageIteration(i);
      const t0 = process.hrtime.bigint();
      t.logInterceptionIteration('A flower in the meadow', {
        iteration: i,
        fromLang: 'en',
        toLang: 'fr',
        model: 'm',
        backend: 'offline',
      });
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    t.complete();
    await new Promise((r) => setImmediate(r));
  }
  return times.slice(32000);
}
for (let r = 0; r < 4; r++) {
  const c = await round();
  const per = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => c.filter((_, j) => j % 8 === k - 1));
  console.log('by i p99', per.map((x) => fmt(percentile(x, 99))).join(' '));
  console.log(
    `p50 ${fmt(percentile(c, 50))} p90 ${fmt(percentile(c, 90))} p95 ${fmt(percentile(c, 95))} p99 ${fmt(percentile(c, 99))} p99.5 ${fmt(percentile(c, 99.5))}`,
  );
}
