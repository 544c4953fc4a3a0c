/** An element of a parsed XML document. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The element's own text (character data of its direct children), entities resolved. */
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const CHAR = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

function resolveRefs(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`raw < in ${where}`);
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare & in ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const num = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(ref);
    if (!num) throw new Error(`unknown entity &${ref}; in ${where}`);
    const cp = num[1] ? parseInt(num[1], 16) : Number(num[2]);
    const ch = String.fromCodePoint(cp);
    if (!CHAR.test(ch)) throw new Error(`reference to a character XML forbids: ${m}`);
    return ch;
  });
}

/**
 * A strict parser for the XML this project writes (elements, attributes, text, the XML
 * declaration): throws on anything not well-formed (bad characters, bad references, unclosed
 * or mismatched tags, duplicate attributes, text outside the root).
 */
export function parseXml(doc: string): XmlNode {
  if (!CHAR.test(doc)) throw new Error('document holds a character XML forbids');
  let pos = 0;
  const decl = /^<\?xml[^?]*\?>/.exec(doc);
  if (decl) pos = decl[0].length;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  while (pos < doc.length) {
    const lt = doc.indexOf('<', pos);
    const text = doc.slice(pos, lt === -1 ? doc.length : lt);
    if (stack.length === 0) {
      if (text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 40)}`);
    } else stack.at(-1)!.text += resolveRefs(text, `<${stack.at(-1)!.name}>`);
    if (lt === -1) break;
    const gt = doc.indexOf('>', lt);
    if (gt === -1) throw new Error('unterminated tag');
    const tag = doc.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim())
        throw new Error(`mismatched </${tag.slice(1)}>, open: ${open?.name}`);
      if (stack.length === 0) root = open;
      continue;
    }
    if (root) throw new Error('a second root element');
    const selfClosing = tag.endsWith('/');
    let rest = selfClosing ? tag.slice(0, -1) : tag;
    const name = NAME.exec(rest)?.[0];
    if (!name) throw new Error(`bad tag <${tag}>`);
    rest = rest.slice(name.length);
    const node: XmlNode = { name, attrs: {}, children: [], text: '' };
    const ATTR = /^\s+([A-Za-z_][A-Za-z0-9_.-]*)="([^"]*)"/;
    for (let m = ATTR.exec(rest); m; m = ATTR.exec(rest)) {
      if (m[1]! in node.attrs) throw new Error(`duplicate attribute ${m[1]}`);
      node.attrs[m[1]!] = resolveRefs(m[2]!, `attribute ${m[1]}`);
      rest = rest.slice(m[0].length);
    }
    if (rest.trim() !== '') throw new Error(`bad attributes in <${tag}>`);
    stack.at(-1)?.children.push(node);
    if (selfClosing) {
      if (stack.length === 0) root = node;
    } else stack.push(node);
  }
  if (stack.length > 0 || !root) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  return root;
}

/** The first child named `name` (throws when there is none). */
export function child(node: XmlNode, name: string): XmlNode {
  const found = node.children.find((c) => c.name === name);
  if (!found) throw new Error(`<${node.name}> has no <${name}>`);
  return found;
}
