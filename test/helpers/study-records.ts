import type { ExecutionItem } from '../../src/domain/execution-item.js';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { buildItem, buildRecord } from './record-builder.js';

const ROUNDS = [
  'A flower on the meadow with a dog.',
  'Une fleur sur la prairie with une chien.',
  'Een bloem op de wei with een hond.',
  'एक फूल पर घास का मैदान with एक कुत्ता.',
  'Flower on the grassland with dog.',
];

/** A small deterministic generator (mulberry32), so every store gets the same records. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of `studyRecord`. */
export interface StudyRun {
  startMillis: number;
  user: string;
  config: string;
  level: string;
  /** `1` or `3`: blocked at that stage with `category`; none: not blocked. */
  blockStage?: 1 | 3;
  category?: string;
  /** Output media types produced. */
  outputs?: string[];
  /** Stille Post rounds (texts of `ROUNDS`, by index); null content for a withheld round. */
  rounds?: (number | null)[];
  /** Seconds per stage item (stage → seconds). */
  seconds?: Partial<Record<1 | 2 | 3 | 4, number>>;
}

/** A record with what the study overview counts: blocks, outputs, stage times, iterations. */
export function studyRecord(run: StudyRun): ExecutionRecord {
  const base = buildRecord({
    startMillis: run.startMillis,
    user_id: run.user,
    session_id: `s-${run.user}`,
    config_name: run.config,
    safety_level: run.level,
    status: run.blockStage === 1 ? 'blocked' : 'completed',
  });
  const items: ExecutionItem[] = [base.items[0]!];
  const add = (type: string, stage: number, extra: Partial<ExecutionItem> = {}) =>
    items.push(buildItem(items.length + 1, type, stage, { timestamp: base.timestamp, ...extra }));
  const time = (stage: 1 | 2 | 3 | 4) => run.seconds?.[stage] ?? null;
  add('user_input_text', 1, { content: 'Eine Blume auf der Wiese', media_type: 'text' });
  add('stage1_safety_check', 1, { execution_time: time(1) });
  if (run.blockStage === 1) {
    add('stage1_blocked', 1, { metadata: { category: run.category ?? 'weapons' } });
  } else {
    add('translation_result', 1, { content: ROUNDS[0]!, media_type: 'text' });
    (run.rounds ?? []).forEach((r, i) =>
      add('interception_iteration', 2, {
        stage_iteration: i + 1,
        content: r === null ? null : ROUNDS[r]!,
        media_type: 'text',
      }),
    );
    add('interception_final', 2, { content: ROUNDS[0]!, execution_time: time(2) });
    if (run.blockStage === 3)
      add('stage3_blocked', 3, {
        loop_iteration: 1,
        metadata: { blocked_codes: [run.category ?? 'violence'] },
      });
    else add('stage3_safety_check', 3, { loop_iteration: 1, execution_time: time(3) });
    for (const media of run.outputs ?? [])
      add(`output_${media}`, 4, { media_type: media, execution_time: time(4) });
  }
  add('pipeline_complete', 5);
  return { ...base, items };
}

const DAY = 86_400_000;

/**
 * `count` varied runs over three days (or `days`) from `users` users (a few configs only one
 * user ran, so k-anonymity has cells to hide), deterministic for a seed; one at a time.
 */
export function* studyRecordStream(
  count: number,
  seed = 7,
  users = 9,
  days = 3,
): Generator<ExecutionRecord> {
  const random = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const start = Date.UTC(2026, 10, 24, 9);
  for (let i = 0; i < count; i += 1) {
    const user = `child-${Math.floor(random() * users)}`;
    const lonely = i % 17 === 0;
    const config = lonely ? 'solo_config' : pick(['dada', 'bauhaus', 'stillepost']);
    const r = random();
    yield studyRecord({
      startMillis: start + Math.floor(random() * days) * DAY + Math.floor(random() * 8 * 3_600_000),
      user: lonely ? 'child-lonely' : user,
      config,
      level: pick(['kids', 'youth', 'adult']),
      blockStage: r < 0.15 ? 1 : r < 0.25 ? 3 : undefined,
      category: pick(['weapons', 'violence', 'scary']),
      outputs: random() < 0.2 ? [] : random() < 0.5 ? ['image'] : ['image', 'audio'],
      rounds: config === 'stillepost' ? [0, 1, 2, random() < 0.2 ? null : 3, 4] : undefined,
      seconds: {
        1: Math.round(random() * 1e6) / 1e7,
        2: Math.round(random() * 1e6) / 1e6,
        3: random() < 0.5 ? Math.round(random() * 1e5) / 1e7 : undefined,
        4: Math.round(random() * 1e6) / 1e5,
      },
    });
  }
}

/** `studyRecordStream` as an array. */
export function studyRecords(count: number, seed = 7, users = 9): ExecutionRecord[] {
  return [...studyRecordStream(count, seed, users)];
}

/** Raw stats with every list of cells in one order (by their entries), for comparing stores. */
export function sortedCells<T extends object>(raw: T): T {
  const canonical = (cell: object) => JSON.stringify(Object.entries(cell).sort());
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [
      k,
      Array.isArray(v)
        ? [...(v as object[])].sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1))
        : v,
    ]),
  ) as T;
}
