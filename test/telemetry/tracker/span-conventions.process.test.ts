import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { names, tables } from '../../helpers/span-conventions-doc.js';

// The Python example is parsed by python3; the tracker's own spans are checked against the same
// tables in span-conventions.test.ts.
describe('docs/span-conventions.md and the examples', () => {
  it('the examples in Python and Go emit only names from the tables, the same ones, and the Python parses', async () => {
    const doc = await tables();
    const known = new Set(
      ['Span attributes', 'Item events', 'Resource attributes'].flatMap((t) =>
        doc.get(t)!.map((r) => names(r[0]!)[0]!),
      ),
    );
    const emitted = async (file: string) => {
      const text = await readFile(new URL(`../../../examples/${file}`, import.meta.url), 'utf8');
      return new Set([...text.matchAll(/"((?:execution|gen_ai)\.[a-z_.]+)"/g)].map((m) => m[1]!));
    };
    const python = await emitted('python/stillepost.py');
    // Python builds config_used/model_used/backend_type keys with an f-string.
    for (const key of ['config_used', 'model_used', 'backend_type']) {
      expect(python.has(`execution.item.${key}`)).toBe(false);
      python.add(`execution.item.${key}`);
    }
    const go = await emitted('go-stillepost/main.go');
    for (const name of [...python, ...go]) expect(known, name).toContain(name);
    expect([...python].sort()).toEqual([...go].sort());
    const compiled = spawnSync('python3', [
      '-c',
      'import ast, sys; ast.parse(open(sys.argv[1]).read())',
      fileURLToPath(new URL('../../../examples/python/stillepost.py', import.meta.url)),
    ]);
    expect(compiled.status, compiled.stderr?.toString()).toBe(0);
  });
});
