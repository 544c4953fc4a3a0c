/**
 * Look-alike letters of the Cyrillic and Greek scripts, each above the Latin letter it imitates
 * (both cases; the filter lower-cases afterwards).
 */
const FROM = 'АаВвЕеЁёКкМмНнОоРрСсТтУуХхІіЇїЈјЅѕԀԁԚԛԜԝҮүҺһɡΑαΒβΕεΖΗΙιΚκΜΝνΟοΡρΤτΥυΧχϲϹϳ';
const TO = 'AaBbEeEeKkMmHhOoPpCcTtYyXxIiIiJjSsDdQqWwYyHhgAaBbEeZHIiKkMNvOoPpTtYuXxcCj';
const LOOK_ALIKES: ReadonlyMap<string, string> = new Map(
  [...FROM].map((c, i) => [c, TO[i]!] as const),
);
const LOOK_ALIKE = new RegExp(`[${FROM}]`, 'gu');

/**
 * Invisible characters that split a word without showing: format characters (zero-width
 * space, joiners, soft hyphen, bidi controls, BOM, word joiner), the combining grapheme
 * joiner, variation selectors, Hangul fillers.
 */
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0]/gu;
/** Combining marks left over after composition (marks on letters with no precomposed form). */
const STRAY_MARK = /\p{M}/gu;
/** Every dash to the ASCII hyphen (terms such as `ss-rune*`). */
const DASH = /\p{Pd}/gu;

/**
 * The one form every term filter compares: Unicode NFKC (full-width and ligature forms become
 * plain letters), invisible characters removed, Cyrillic/Greek look-alikes folded to Latin,
 * dashes unified, lower case. The text passed on through the pipeline is never changed.
 * NOTE: stray combining marks are removed after composition, so "ü" stays "ü" but an overlay
 * or a mark on a letter without a precomposed form does not hide the letter.
 */
export function normalizeForFilter(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(LOOK_ALIKE, (c) => LOOK_ALIKES.get(c) ?? c)
    .normalize('NFC')
    .replace(STRAY_MARK, '')
    .replace(DASH, '-')
    .toLowerCase();
}
