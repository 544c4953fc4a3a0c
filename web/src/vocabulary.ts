import { currentLang, type Lang } from './i18n.js';

type Words = Record<string, Record<Lang, string>>;

/** How a safety decision was reached (`metadata.method`). */
const METHODS: Words = {
  fast_filter: { de: 'Wortliste (schneller Filter)', en: 'term list (fast filter)' },
  llm_context_check: {
    de: 'Sprachmodell prüft den Zusammenhang',
    en: 'language model checks the context',
  },
};

/** Why something was blocked (`metadata.blocked_reason`). */
const REASONS: Words = {
  age_inappropriate: { de: 'nicht altersgerecht', en: 'not suitable for this age' },
  '§86a_violation': {
    de: 'verbotenes Kennzeichen (§\u00a086a StGB)',
    en: 'banned symbol or slogan (§\u00a086a German Criminal Code)',
  },
  safety_check_unavailable: {
    de: 'Sicherheitsprüfung nicht erreichbar, vorsichtshalber blockiert',
    en: 'safety check unavailable, blocked to be safe',
  },
};

/** Safety levels. */
const LEVELS: Words = {
  kids: { de: 'Kinder', en: 'children' },
  youth: { de: 'Jugendliche', en: 'young people' },
  adult: { de: 'Erwachsene', en: 'adults' },
  research: { de: 'Forschung (ohne Stufe 3)', en: 'research (no stage 3)' },
  off: { de: 'aus (ohne Stufe 3)', en: 'off (no stage 3)' },
};

/** Execution modes. */
const MODES: Words = {
  eco: { de: 'sparsam', en: 'eco' },
  fast: { de: 'schnell', en: 'fast' },
};

/** Media types of outputs. */
const MEDIA: Words = {
  image: { de: 'Bild', en: 'image' },
  video: { de: 'Video', en: 'video' },
  audio: { de: 'Ton', en: 'sound' },
  music: { de: 'Musik', en: 'music' },
  '3d': { de: '3D-Objekt', en: '3D object' },
  text: { de: 'Text', en: 'text' },
};

/** Item types, as the timing chart names its steps. */
const ITEMS: Words = {
  pipeline_start: { de: 'Start', en: 'start' },
  user_input_text: { de: 'Eingabe', en: 'input' },
  stage1_safety_check: { de: 'Sicherheitsprüfung', en: 'safety check' },
  stage1_safety_check_image: { de: 'Bildprüfung', en: 'image check' },
  stage1_blocked: { de: 'blockiert', en: 'blocked' },
  translation_result: { de: 'Übersetzung', en: 'translation' },
  interception_iteration: { de: 'Runde', en: 'round' },
  interception_final: { de: 'Umdeutung', en: 'interception' },
  stage3_safety_check: { de: 'Sicherheitsprüfung', en: 'safety check' },
  stage3_blocked: { de: 'blockiert', en: 'blocked' },
  output_image: { de: 'Bild erzeugt', en: 'image made' },
  output_video: { de: 'Video erzeugt', en: 'video made' },
  output_audio: { de: 'Ton erzeugt', en: 'sound made' },
  output_music: { de: 'Musik erzeugt', en: 'music made' },
  output_3d: { de: '3D-Objekt erzeugt', en: '3D object made' },
  output_text: { de: 'Text erzeugt', en: 'text made' },
  pipeline_error: { de: 'Fehler', en: 'error' },
  pipeline_complete: { de: 'fertig', en: 'done' },
};

const wordOf =
  (words: Words) =>
  (code: string | null | undefined): string =>
    code == null ? '–' : (words[code]?.[currentLang()] ?? code);

/** Words for a safety method code (`fast_filter` → "term list (fast filter)"). */
export const methodLabel = wordOf(METHODS);
/** Words for a block reason code (`§86a_violation` → "banned symbol …"). */
export const reasonLabel = wordOf(REASONS);
/** Words for a safety level (`kids` → "Kinder"). */
export const levelLabel = wordOf(LEVELS);
/** Words for an execution mode. */
export const modeLabel = wordOf(MODES);
/** Words for a media type (`3d` → "3D-Objekt"). */
export const mediaLabel = wordOf(MEDIA);
/** Words for an item type (`translation_result` → "Übersetzung"). */
export const itemLabel = wordOf(ITEMS);

/** A config's description in the page's language (configs carry `{de, en}`). */
export function describe(description: { de: string; en: string } | string | undefined): string {
  if (description === undefined) return '';
  return typeof description === 'string' ? description : description[currentLang()];
}
