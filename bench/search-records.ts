// Records with varied children's prompts for the search benchmark: a German prompt, its English
// translation and a final prompt, from a small vocabulary drawn with a Zipf-like skew (a few
// words in many runs, most in few), plus a made-up name per run that is in about 20 runs.
import type { ExecutionRecord } from '../src/domain/execution-record.js';
import { ExecutionIdGenerator } from '../src/domain/execution-id.js';
import { formatMicros } from '../src/domain/timestamp.js';
import { buildItem } from './shared/record-builder.js';
import { BENCH_START, CONFIGS, LEVELS } from './bench-records.js';

/** German → English nouns, most frequent first. */
export const NOUNS: readonly (readonly [string, string])[] = [
  ['Hund', 'dog'],
  ['Katze', 'cat'],
  ['Drache', 'dragon'],
  ['Blume', 'flower'],
  ['Baum', 'tree'],
  ['Haus', 'house'],
  ['Pferd', 'horse'],
  ['Vogel', 'bird'],
  ['Schiff', 'ship'],
  ['Schloss', 'castle'],
  ['Einhorn', 'unicorn'],
  ['Rakete', 'rocket'],
  ['Fisch', 'fish'],
  ['Wolke', 'cloud'],
  ['Berg', 'mountain'],
  ['Auto', 'car'],
  ['Prinzessin', 'princess'],
  ['Roboter', 'robot'],
  ['Schmetterling', 'butterfly'],
  ['Elefant', 'elephant'],
  ['Giraffe', 'giraffe'],
  ['Zug', 'train'],
  ['Mond', 'moon'],
  ['Stern', 'star'],
  ['Apfel', 'apple'],
  ['Kuchen', 'cake'],
  ['Ritter', 'knight'],
  ['Hexe', 'witch'],
  ['Pirat', 'pirate'],
  ['Schildkröte', 'turtle'],
  ['Igel', 'hedgehog'],
  ['Fuchs', 'fox'],
  ['Eule', 'owl'],
  ['Bär', 'bear'],
  ['Löwe', 'lion'],
  ['Tiger', 'tiger'],
  ['Dinosaurier', 'dinosaur'],
  ['Zauberer', 'wizard'],
  ['Ballon', 'balloon'],
  ['Insel', 'island'],
];
const ADJECTIVES: readonly (readonly [string, string])[] = [
  ['großer', 'big'],
  ['kleiner', 'small'],
  ['roter', 'red'],
  ['blauer', 'blue'],
  ['fliegender', 'flying'],
  ['lustiger', 'funny'],
  ['trauriger', 'sad'],
  ['goldener', 'golden'],
  ['grüner', 'green'],
  ['schlafender', 'sleeping'],
  ['tanzender', 'dancing'],
  ['alter', 'old'],
];
const PLACES: readonly (readonly [string, string])[] = [
  ['im Wald', 'in the forest'],
  ['am Meer', 'by the sea'],
  ['im Weltraum', 'in space'],
  ['auf der Wiese', 'in the meadow'],
  ['in der Stadt', 'in the city'],
  ['im Schnee', 'in the snow'],
  ['unter Wasser', 'under water'],
  ['im Dschungel', 'in the jungle'],
];
const SYLLABLES = ['ra', 'mu', 'ki', 'lo', 'ne', 'ta', 'su', 'bo', 'fi', 'da', 'ze', 'po'];
const STATUSES = ['completed', 'completed', 'completed', 'blocked', 'failed'] as const;

/** A deterministic pseudo-random number in [0, 1) from an integer. */
function unit(n: number): number {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

/** An index in [0, size) with a Zipf-like skew (index 0 in about a sixth of the draws). */
const skewed = (n: number, size: number) => Math.floor(size * unit(n) ** 2);

/** The made-up name of run `n`: about `count / 5,000` runs share one. */
export function nameOf(n: number): string {
  const k = n % 5_000;
  const s = (i: number) => SYLLABLES[Math.floor(k / 12 ** i) % 12]!;
  return `${s(0)}${s(1)}${s(2)}${s(3)}`.replace(/^./, (c) => c.toUpperCase());
}

/** `count` small records with prompts, spread one a minute from `BENCH_START`. */
export function* searchRecords(count: number, seed = 3): Generator<ExecutionRecord> {
  const ids = new ExecutionIdGenerator(seed);
  for (let i = 0; i < count; i++) {
    const at = BENCH_START + i * 60_000;
    const timestamp = formatMicros(at * 1000);
    const noun = NOUNS[skewed(i * 3, NOUNS.length)]!;
    const other = NOUNS[skewed(i * 3 + 1, NOUNS.length)]!;
    const adjective = ADJECTIVES[Math.floor(unit(i * 3 + 2) * ADJECTIVES.length)]!;
    const place = PLACES[i % PLACES.length]!;
    const name = nameOf(i);
    const item = (n: number, type: string, stage: number, content: string | null = null) =>
      buildItem(n, type, stage, { timestamp, content, media_type: content ? 'text' : 'metadata' });
    yield {
      execution_id: ids.next(new Date(at)),
      config_name: CONFIGS[i % CONFIGS.length]!,
      timestamp,
      user_id: `child-${i % 500}`,
      session_id: `class-${i % 40}`,
      execution_mode: 'eco',
      safety_level: LEVELS[i % LEVELS.length]!,
      used_seed: i,
      total_execution_time: 3.5,
      items: [
        item(1, 'pipeline_start', 0),
        item(
          2,
          'user_input_text',
          1,
          `Ein ${adjective[0]} ${noun[0]} namens ${name} ${place[0]} mit ${other[0]}`,
        ),
        item(
          3,
          'translation_result',
          1,
          `A ${adjective[1]} ${noun[1]} called ${name} ${place[1]} with a ${other[1]}`,
        ),
        item(
          4,
          'interception_final',
          2,
          `Children's book illustration: ${adjective[1]} ${noun[1]}, ${other[1]}, ${place[1]}, watercolour`,
        ),
        item(5, 'pipeline_complete', 5),
      ],
      taxonomy_version: '1.1',
      trace_id: null,
      trace_url: null,
      status: STATUSES[Math.floor(i / 7) % STATUSES.length]!,
    };
  }
}
