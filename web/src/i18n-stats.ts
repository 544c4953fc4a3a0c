import { currentLang } from './i18n.js';

const de = {
  title: 'Studienüberblick',
  intro:
    'Läufe, Blockierungen, Zeiten, Ausgaben und die Drift der Stillen Post auf einen Blick, für die gewählten Filter.',
  runs: '{runs} Läufe',
  kNote: 'Gruppen mit Läufen von weniger als {k} verschiedenen Nutzern werden nicht gezeigt.',
  tooFew:
    'Die Läufe dieser Auswahl stammen von weniger als {k} verschiedenen Nutzern: Es wird nichts gezeigt.',
  hidden: '{n} Gruppe(n) mit weniger als {k} Nutzern ausgeblendet.',
  empty: 'Keine Daten für diese Auswahl.',
  svg: 'SVG herunterladen',
  csv: 'CSV herunterladen',
  data: 'Daten als Tabelle',
  measure:
    'Ähnlichkeit: Kosinus-Ähnlichkeit der Zeichen-Trigramme (NFKC, Kleinschreibung) jeder Runde zum übersetzten Original, 1 = gleich, 0 = nichts gemeinsam; Drift = 1 − Ähnlichkeit.',
  runs_per_day: 'Läufe pro Tag und Konfiguration',
  block_rate_by_level: 'Blockierungsrate nach Sicherheitsstufe',
  block_rate_by_config: 'Blockierungsrate nach Konfiguration',
  blocks_by_category: 'Blockierungen nach Stufe und Kategorie',
  stage_durations: 'Dauer der Stufen (Median und 95. Perzentil, ms)',
  outputs_by_media_type: 'Ausgaben nach Medientyp',
  stillepost_drift: 'Stille Post: Ähnlichkeit jeder Runde zum übersetzten Original',
  axisRuns: 'Läufe',
  axisRate: 'Blockierungsrate (%)',
  axisBlocked: 'blockierte Läufe',
  axisMs: 'ms',
  axisOutputs: 'Ausgaben',
  axisIteration: 'Runde',
  axisSimilarity: 'Ähnlichkeit',
  stage: 'Stufe {n}',
};

const en: Record<keyof typeof de, string> = {
  title: 'Study overview',
  intro:
    'Runs, blocks, times, outputs and the drift of Stille Post at a glance, for the filters chosen.',
  runs: '{runs} runs',
  kNote: 'Groups whose runs come from fewer than {k} distinct users are not shown.',
  tooFew: 'The runs of this selection come from fewer than {k} distinct users: nothing is shown.',
  hidden: '{n} group(s) with fewer than {k} users hidden.',
  empty: 'No data for this selection.',
  svg: 'Download SVG',
  csv: 'Download CSV',
  data: 'Data as a table',
  measure:
    'Similarity: cosine similarity of the character trigrams (NFKC, lower case) of each round to the translated original, 1 = the same, 0 = nothing in common; drift = 1 − similarity.',
  runs_per_day: 'Runs per day and config',
  block_rate_by_level: 'Block rate by safety level',
  block_rate_by_config: 'Block rate by config',
  blocks_by_category: 'Blocks by stage and category',
  stage_durations: 'Stage durations (median and 95th percentile, ms)',
  outputs_by_media_type: 'Outputs by media type',
  stillepost_drift: 'Stille Post: similarity of each round to the translated original',
  axisRuns: 'runs',
  axisRate: 'block rate (%)',
  axisBlocked: 'blocked runs',
  axisMs: 'ms',
  axisOutputs: 'outputs',
  axisIteration: 'round',
  axisSimilarity: 'similarity',
  stage: 'Stage {n}',
};

export type StatsKey = keyof typeof de;

/** A label of the study overview in the current language, `{name}` placeholders filled. */
export function ts(key: StatsKey, vars: Record<string, string | number> = {}): string {
  return (currentLang() === 'de' ? de : en)[key].replace(/\{(\w+)\}/g, (_, k: string) =>
    String(vars[k] ?? `{${k}}`),
  );
}
