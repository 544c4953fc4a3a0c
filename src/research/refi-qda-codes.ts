import type { Annotation } from '../domain/annotation.js';
import type { Rubric } from '../review/rubric.js';
import { qdaGuid } from './refi-qda-source.js';
import { xmlAttributes, xmlElement } from './xml-text.js';

interface Code {
  guid: string;
  name: string;
  codable: boolean;
  description?: string;
  children: Map<string, Code>;
}

const valueText = (v: Annotation['value']): string => (typeof v === 'string' ? v : String(v));

/**
 * The code system of a REFI-QDA project, grown from the annotations met: a code per rubric and
 * version, under it a code per rubric item, under that a codable code per value judged (a text
 * item is itself codable; its text goes in a note). Labels come from the rubrics when known.
 */
export class QdaCodes {
  private readonly roots = new Map<string, Code>();
  private readonly rubrics: Map<string, Rubric>;

  constructor(rubrics: readonly Rubric[] = []) {
    this.rubrics = new Map(rubrics.map((r) => [`${r.id}\u0000${r.version}`, r]));
  }

  private child(parent: Map<string, Code>, key: string, make: () => Omit<Code, 'children'>): Code {
    let code = parent.get(key);
    if (!code) {
      code = { ...make(), children: new Map() };
      parent.set(key, code);
    }
    return code;
  }

  /** The GUID of the code an annotation codes with (made on first use). */
  codeOf(a: Annotation): string {
    const rubric = this.rubrics.get(`${a.rubric}\u0000${a.rubric_version}`);
    const root = this.child(this.roots, `${a.rubric}\u0000${a.rubric_version}`, () => ({
      guid: qdaGuid('code', a.rubric, a.rubric_version),
      name: `${rubric?.labels.en ?? a.rubric} (${a.rubric} ${a.rubric_version})`,
      codable: false,
      ...(rubric?.description ? { description: rubric.description.en } : {}),
    }));
    const item = rubric?.items.find((i) => i.key === a.key);
    const isText = item?.type === 'text';
    const keyCode = this.child(root.children, a.key, () => ({
      guid: qdaGuid('code', a.rubric, a.rubric_version, a.key),
      name: item ? `${a.key}: ${item.labels.en}` : a.key,
      codable: isText,
      ...(item
        ? {
            description: `${item.labels.en} / ${item.labels.de} (${item.type}, scope ${item.scope})`,
          }
        : {}),
    }));
    if (isText) return keyCode.guid;
    const value = valueText(a.value);
    const label = item?.values?.find((v) => v.value === value)?.labels;
    return this.child(keyCode.children, value, () => ({
      guid: qdaGuid('code', a.rubric, a.rubric_version, a.key, value),
      name: label ? `${value}: ${label.en}` : value,
      codable: true,
      ...(label ? { description: `${label.en} / ${label.de}` } : {}),
    })).guid;
  }

  /** True when an annotation's value goes in a note (text items). */
  isTextItem(a: Annotation): boolean {
    const rubric = this.rubrics.get(`${a.rubric}\u0000${a.rubric_version}`);
    return rubric?.items.find((i) => i.key === a.key)?.type === 'text';
  }

  /** `<CodeBook>` with every code met; empty when none was. */
  xml(): string {
    if (this.roots.size === 0) return '';
    const lines = (code: Code, pad: string): string[] => {
      const attrs = xmlAttributes({ guid: code.guid, name: code.name, isCodable: code.codable });
      const inner = [
        ...(code.description ? [xmlElement('Description', code.description, `${pad}  `)] : []),
        ...[...code.children.values()].flatMap((c) => lines(c, `${pad}  `)),
      ];
      return inner.length
        ? [`${pad}<Code${attrs}>`, ...inner, `${pad}</Code>`]
        : [`${pad}<Code${attrs}/>`];
    };
    return [
      '  <CodeBook>',
      '    <Codes>',
      ...[...this.roots.values()].flatMap((c) => lines(c, '      ')),
      '    </Codes>',
      '  </CodeBook>',
      '',
    ].join('\n');
  }
}
