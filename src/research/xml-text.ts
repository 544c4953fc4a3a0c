/** Characters XML 1.0 cannot hold at all, not even as a character reference. */
const FORBIDDEN = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** Escaped text, and whether it needed the backslash notation for forbidden characters. */
export interface XmlText {
  text: string;
  escaped: boolean;
}

const codePoint = (c: string): string =>
  `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`;

/**
 * Element or attribute text for any value: markup characters as entities, CR (and in
 * attributes tab and LF) as character references so parsers keep them. A character XML forbids
 * (C0 controls, lone surrogates, U+FFFE/U+FFFF) is written as `\u{XXXX}` and the value is
 * reported as escaped, with its backslashes doubled so the notation reads back unambiguously.
 */
export function xmlText(value: unknown, attribute = false): XmlText {
  if (value === null || value === undefined) return { text: '', escaped: false };
  let s = typeof value === 'string' ? value : String(value);
  const escaped = FORBIDDEN.test(s);
  if (escaped) s = s.replace(/\\/g, '\\\\').replace(FORBIDDEN_ALL, codePoint);
  s = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  if (attribute) s = s.replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
  return { text: s, escaped };
}

/** `<name>text</name>` at `indent`, with `escaped="true"` when the value needed the notation. */
export function xmlElement(name: string, value: unknown, indent: string): string {
  const { text, escaped } = xmlText(value);
  return `${indent}<${name}${escaped ? ' escaped="true"' : ''}>${text}</${name}>`;
}

/** ` a="v" b="w"` for the attributes that have a value; `escaped="true"` when one needed it. */
export function xmlAttributes(attributes: Record<string, unknown>): string {
  let out = '';
  let escaped = false;
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    const t = xmlText(value, true);
    escaped ||= t.escaped;
    out += ` ${name}="${t.text}"`;
  }
  return escaped ? `${out} escaped="true"` : out;
}
