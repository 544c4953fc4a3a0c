import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXPORT_EXIT } from '../../src/cli/export-bundle-command.js';
import { exportQdpxCommand } from '../../src/cli/export-qdpx-command.js';
import { parseCommand } from '../../src/cli/parse-command.js';
import { UsageError } from '../../src/query/cli-query.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { researchPython, ROOT } from '../helpers/processes.js';
import { researchStore } from '../helpers/research-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readZip } from '../helpers/zip-read.js';

function stderr() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

describe('export --qdpx FILE', () => {
  it('writes a project that validates, with the filtered runs and their codings', async () => {
    const { store } = await researchStore({ extra: 2 });
    const { records } = await store.list({ config: undefined, limit: 100 } as never);
    const dada = records.filter((r) => r.config_name === 'dada');
    await store.putAnnotation(buildAnnotation(dada[0]!.execution_id));
    const root = await tempDir();
    const file = join(root, 'study.qdpx');
    const err = stderr();
    const code = await exportQdpxCommand(
      store,
      { file, query: { config: 'dada' } },
      { stderr: err.stream },
    );
    expect(code).toBe(EXPORT_EXIT.ok);
    expect(err.text()).toContain(
      `wrote ${dada.length} runs (0 pictures, 0 sounds, 0 videos, 1 codings)`,
    );
    const dir = join(root, 'unpacked');
    for (const entry of readZip(await readFile(file))) {
      await mkdir(dirname(join(dir, entry.name)), { recursive: true });
      await writeFile(join(dir, entry.name), entry.data);
    }
    const project = JSON.parse(
      execFileSync(researchPython(), [join(ROOT, 'test/python/validate_qdpx.py'), dir], {
        encoding: 'utf8',
      }),
    ) as { errors: string[]; texts: Record<string, { codings: string[] }> };
    expect(project.errors).toEqual([]);
    expect(Object.keys(project.texts).sort()).toEqual(dada.map((r) => r.execution_id).sort());
    expect(project.texts[dada[0]!.execution_id]!.codings).toEqual(['true']);

    const again = stderr();
    expect(await exportQdpxCommand(store, { file, query: {} }, { stderr: again.stream })).toBe(
      EXPORT_EXIT.failed,
    );
    expect(again.text()).toContain('exists');
  });

  it('takes the list filters and refuses the bundle-only switches', () => {
    expect(parseCommand(['export', '--qdpx', 'x.qdpx', '--study-id', 'kunst-2026'])).toEqual({
      name: 'export-qdpx',
      file: 'x.qdpx',
      query: { study_id: 'kunst-2026', offset: 0 },
    });
    expect(() => parseCommand(['export', '--qdpx', 'x.qdpx', '--media'])).toThrow(UsageError);
    expect(() => parseCommand(['export', '--qdpx', 'x.qdpx', '--bundle', 'd'])).toThrow(
      /exactly one of/,
    );
  });
});
