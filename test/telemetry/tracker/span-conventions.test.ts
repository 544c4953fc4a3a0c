import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { redactSpan } from '../../../src/telemetry/otlp/content-policy.js';
import { testApp } from '../../helpers/test-app.js';
import { testTracing } from '../../helpers/tracing.js';
import { names, tables } from '../../helpers/span-conventions-doc.js';

function typeOf(v: AttributeValue | undefined): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'boolean') return 'boolean';
  return Array.isArray(v) ? 'array' : 'string';
}

interface Rule {
  type: string;
  roles: string[];
  required: string[];
}

/** Attribute tables as name → rule (`Required` yes: all the row's roles; a list: those). */
function rules(rows: string[][], withRoles: boolean): Map<string, Rule> {
  const map = new Map<string, Rule>();
  for (const row of rows) {
    const [name, type, ...rest] = row;
    const roles = withRoles ? names(rest[0]!) : ['*'];
    const req = withRoles ? rest[1]! : rest[0]!;
    const required = req === 'yes' ? roles : req === 'no' ? [] : names(req);
    map.set(names(name!)[0]!, { type: type!, roles, required });
  }
  return map;
}

function checkAttributes(
  where: string,
  attributes: Attributes,
  table: Map<string, Rule>,
  role = '*',
): void {
  for (const [key, value] of Object.entries(attributes)) {
    const rule = table.get(key);
    expect(rule, `${where}: ${key} is not documented`).toBeDefined();
    expect(rule!.roles, `${where}: ${key} not documented for role ${role}`).toContain(role);
    const type = rule!.type === 'double' && Number.isInteger(value) ? 'int' : rule!.type;
    expect(typeOf(value), `${where}: type of ${key}`).toBe(type);
  }
  for (const [key, rule] of table) {
    if (rule.required.includes(role))
      expect(attributes[key], `${where}: required ${key} missing`).toBeDefined();
  }
}

/** Spans of the canonical flows over HTTP, plus failures, backend usage and a continuation. */
async function trackerSpans(): Promise<ReadableSpan[]> {
  const ctx = await testApp();
  for (const body of [
    { schema: 'dada', input_text: 'Eine Blume auf der Wiese' },
    { schema: 'stillepost', input_text: 'Eine Blume auf der Wiese' },
    {
      schema: 'image_comparison',
      input_text: 'Ein freundliches Skelett tanzt lachend auf einem Kindergeburtstag',
    },
    { schema: 'dada', input_text: 'Ich sprühe ein Hakenkreuz an die Schulwand' },
  ])
    await request(ctx.app).post('/api/schema/pipeline/execute').send(body);
  await ctx.tracing.forceFlush();
  const flows = ctx.memory.getFinishedSpans();
  await ctx.tracing.shutdown(); // (clears the in-memory copy)
  const { tracing, memory } = await testTracing({ maxEventsPerSpan: 4 });
  const tracker = tracing.startRun({ configName: 'dada', input: { text: 'Ein Hund' } });
  tracker.setSeed(42);
  await tracker
    .run(async (t) => {
      await t.inStage(1, async () => {
        for (let i = 0; i < 6; i++) t.logTranslation('A dog', { fromLang: 'de', toLang: 'en' });
      });
      await t.inStage(2, async () => {
        await t.backendCall(
          { operation: 'chat', provider: 'ollama', model: 'm', outputType: 'text' },
          async () => 'x',
          () => ({ inputTokens: 3, outputTokens: 4, responseModel: 'm2' }),
        );
      });
      await t.inStage(
        4,
        () =>
          t.backendCall({ operation: 'generate', provider: 'comfyui' }, async () => {
            throw new TypeError('backend down');
          }),
        { loop: 1, outputConfig: 'sd35' },
      );
    })
    .catch(() => {});
  await tracing.forceFlush();
  const mine = memory.getFinishedSpans();
  await tracing.shutdown();
  return [...flows, ...mine];
}

describe('docs/span-conventions.md', () => {
  it('documents every attribute, event and name the tracker emits, and the required ones are there', async () => {
    const doc = await tables();
    const spanRules = rules(doc.get('Span attributes')!, true);
    const itemRules = rules(doc.get('Item events')!, false);
    const exceptionRules = rules(doc.get('Exception events')!, false);
    const resourceRules = rules(doc.get('Resource attributes')!, false);
    const roles = new Set(doc.get('Span roles')!.map((r) => names(r[0]!)[0]));
    const spanNames = doc.get('Span names')!.map((r) => ({
      pattern: new RegExp(
        `^${names(r[0]!)[0]!
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/<[^>]+>/g, '.+')}$`,
      ),
      role: names(r[1]!)[0],
    }));
    const spans = await trackerSpans();
    const seen = new Set<string>();
    for (const span of [...spans, ...spans.map(redactSpan)]) {
      const role = span.attributes['execution.span.role'] as string;
      seen.add(role);
      expect(roles).toContain(role);
      expect(
        spanNames.some((n) => n.role === role && n.pattern.test(span.name)),
        `span name ${span.name} (${role})`,
      ).toBe(true);
      checkAttributes(span.name, span.attributes, spanRules, role);
      checkAttributes('resource', span.resource.attributes, resourceRules);
      for (const event of span.events) {
        const table = event.name === 'exception' ? exceptionRules : itemRules;
        checkAttributes(`${span.name} / ${event.name}`, event.attributes ?? {}, table);
      }
    }
    expect([...seen].sort()).toEqual([...roles].sort());
  });
});
