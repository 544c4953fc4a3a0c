// Safety lists against the labelled corpus (test/fixtures/safety-corpus/): per level and
// category the recall on prompts that must be blocked, the share of harmless prompts blocked
// and the confusion of categories, on the default offline backends (`dada`, image output).
import { loadCatalog } from '../src/pipeline/catalog.js';
import { offlineRunTexts, readCorpus } from '../src/pipeline/safety/safety-corpus.js';
import { performance } from 'node:perf_hooks';
import {
  decide,
  evaluateLevel,
  type LevelFigures,
} from '../src/pipeline/safety/safety-evaluation.js';
import { fmt, report, type Figure } from './stats.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const root = `${PACKAGE_ROOT}/`;
const catalog = await loadCatalog(`${root}configs`);
const files = ['dev', 'holdout'] as const;
const corpora = await Promise.all(
  files.map((f) => readCorpus(`${root}test/fixtures/safety-corpus/${f}.jsonl`)),
);
const runTexts = offlineRunTexts(catalog, 'dada');
const pct = (x: number) => `${fmt(x * 100, 1)} %`;

const figures: Figure[] = [];
for (const level of ['kids', 'youth', 'adult']) {
  const byFile: LevelFigures[] = [];
  for (const [i, prompts] of [...corpora, corpora.flat()].entries()) {
    const f = await evaluateLevel(catalog, level, 'sd35_large', prompts, runTexts);
    byFile.push(f);
    const name: string = files[i] ?? 'all';
    if (name !== 'all') continue;
    for (const [category, r] of Object.entries(f.recall).sort()) {
      const target = level === 'adult' ? undefined : '≥ 0.97';
      figures.push({
        name: `${level}: recall ${category} (${r.blocked}/${r.total})`,
        value: fmt(r.recall, 3),
        target,
        met: target ? r.recall >= 0.97 : undefined,
      });
    }
    figures.push({
      name: `${level}: harmless blocked (${f.harmless.blocked}/${f.harmless.total}; hard ${f.hardHarmless.blocked}/${f.hardHarmless.total})`,
      value: pct(f.harmless.rate),
      target: '≤ 5 %',
      met: f.harmless.rate <= 0.05,
    });
    if (f.overBlocked.total > 0)
      figures.push({
        name: `${level}: allowed at this level but blocked (${f.overBlocked.blocked}/${f.overBlocked.total})`,
        value: pct(f.overBlocked.blocked / f.overBlocked.total),
      });
    const confused = Object.entries(f.confusion).flatMap(([label, row]) =>
      Object.entries(row)
        .filter(([found]) => found !== label)
        .map(([found, n]) => `${label}→${found} ${n}`),
    );
    figures.push({ name: `${level}: categories confused`, value: confused.join(', ') || 'none' });
  }
  const [dev, holdout] = byFile;
  const minRecall = (f: LevelFigures | undefined) =>
    Math.min(...Object.values(f?.recall ?? {}).map((r) => r.recall));
  figures.push({
    name: `${level}: lowest category recall, dev / holdout`,
    value: `${fmt(minRecall(dev), 3)} / ${fmt(minRecall(holdout), 3)}`,
  });
  if (process.env.SAFETY_MISSES)
    console.log(
      level,
      'misses',
      byFile[2]!.misses.join(' '),
      '\nfalse blocks',
      byFile[2]!.falseBlocks.join(' '),
    );
}
const texts = await Promise.all(corpora.flat().map(runTexts));
for (let round = 0; round < 2; round++) {
  const started = performance.now();
  for (const t of texts) decide(catalog, 'kids', 'sd35_large', t);
  const micros = ((performance.now() - started) * 1000) / texts.length;
  if (round === 1)
    figures.push({
      name: "kids: lists on a run's three texts, mean",
      value: `${fmt(micros, 1)} µs`,
    });
}
report('Safety lists on the labelled corpus (offline backends)', figures);
