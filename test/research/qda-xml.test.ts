import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/domain/record-codec.js';
import { qdaXmlDocument, recordToQdaXml } from '../../src/research/qda-xml.js';
import type { RecordEntry } from '../../src/research/record-entries.js';
import { legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { buildRecord } from '../helpers/record-builder.js';
import { child, parseXml, type XmlNode } from '../helpers/xml-parse.js';

const SESSION_HEAD = [
  'id',
  'user',
  'timestamp',
  'workflow',
  'seed',
  'safety_level',
  'prompts',
  'outputs',
];

/** Checks a `<session>` against the platform's QDA shape (then our additive elements). */
function checkSession(session: XmlNode): void {
  expect(session.children.slice(0, SESSION_HEAD.length).map((c) => c.name)).toEqual(SESSION_HEAD);
  expect(child(session, 'prompts').children.map((c) => c.name)).toEqual(['original', 'translated']);
  child(session, 'outputs').children.forEach((o, n) => {
    expect(o.name).toBe('output');
    expect(o.attrs.order).toBe(String(n + 1));
    expect(o.attrs.type).toMatch(/^(text|image|audio|music|video|3d)$/);
    expect(o.attrs.node_title).toBeDefined();
    const names = o.children.map((c) => c.name);
    expect(names).toEqual(o.attrs.type === 'text' ? ['content'] : ['filename', 'path']);
  });
}

const unescape = (s: string) =>
  s.replace(/\\u\{([0-9A-F]+)\}|\\\\/g, (_m, hex: string | undefined) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : '\\',
  );

describe('QDA XML', () => {
  it('writes the platform shape, 2-space indent, with the full chain of a Stille Post run', () => {
    const [, stille] = legacyRecordFiles();
    const record = parseRecord(stille!.text, stille!.name).record;
    const xml = recordToQdaXml(record);
    expect(xml.split('\n').slice(0, 4)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<export>',
      '  <session>',
      `    <id>${record.execution_id}</id>`,
    ]);
    const root = parseXml(xml);
    expect(root.name).toBe('export');
    const session = child(root, 'session');
    checkSession(session);
    expect(child(child(session, 'prompts'), 'original').text).toBe(record.items[1]!.content);
    const steps = child(session, 'chain').children;
    expect(steps).toHaveLength(record.items.length);
    const iterations = steps.filter((s) => s.attrs.type === 'interception_iteration');
    expect(iterations.map((s) => s.attrs.stage_iteration)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
    expect(child(iterations[4]!, 'content').text).toBe(
      record.items.find((i) => i.stage_iteration === 5)!.content,
    );
  });

  it('keeps safety decisions, blocks and errors in the chain', () => {
    const files = legacyRecordFiles();
    const blocked = parseRecord(files[2]!.text, files[2]!.name).record;
    const session = child(parseXml(recordToQdaXml(blocked)), 'session');
    checkSession(session);
    const block = child(session, 'chain').children.find((s) => s.attrs.type === 'stage1_blocked')!;
    expect(child(block, 'content').text).toBe(
      blocked.items.find((i) => i.item_type === 'stage1_blocked')!.content,
    );
    expect(child(session, 'status').text).toBe('blocked');
    const record = buildRecord();
    record.items.splice(1, 0, {
      ...record.items[0]!,
      sequence_number: 2,
      stage: 4,
      item_type: 'pipeline_error',
      content: 'backend timed out',
    });
    const chain = child(child(parseXml(recordToQdaXml(record)), 'session'), 'chain');
    expect(chain.children.map((s) => s.attrs.type)).toContain('pipeline_error');
  });

  it('is well-formed for any text and keeps every character, forbidden ones escaped and reported', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
        (text, title) => {
          const record = buildRecord({ user_id: text });
          record.items[0] = {
            ...record.items[0]!,
            item_type: 'user_input_text',
            content: text,
            media_type: 'text',
          };
          record.items.splice(1, 0, {
            ...record.items[0]!,
            sequence_number: 2,
            item_type: 'output_image',
            media_type: 'image',
            config_used: title + text,
            file_path: `/m/${text}.png`,
          });
          const session = child(parseXml(recordToQdaXml(record)), 'session');
          checkSession(session);
          const original = child(child(session, 'prompts'), 'original');
          const back = original.attrs.escaped === 'true' ? unescape(original.text) : original.text;
          expect(back).toBe(text);
          const output = child(session, 'outputs').children[0]!;
          const title2 =
            output.attrs.escaped === 'true'
              ? unescape(output.attrs.node_title!)
              : output.attrs.node_title;
          expect(title2).toBe(title + text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('streams many sessions and marks an unreadable record as an export_error', async () => {
    async function* entries(): AsyncGenerator<RecordEntry> {
      yield { kind: 'record', record: buildRecord() };
      yield {
        kind: 'error',
        execution_id: 'exec_20260101_000000_0000abcd',
        message: 'invalid JSON \u0001',
      };
      yield { kind: 'record', record: buildRecord() };
    }
    const counts = { records: 0, errors: 0 };
    let xml = '';
    for await (const chunk of qdaXmlDocument(entries(), counts)) xml += chunk;
    const root = parseXml(xml);
    expect(root.children.map((c) => c.name)).toEqual(['session', 'export_error', 'session']);
    expect(root.children[1]!.attrs).toEqual({
      execution_id: 'exec_20260101_000000_0000abcd',
      escaped: 'true',
    });
    expect(counts).toEqual({ records: 2, errors: 1 });
  });
});
