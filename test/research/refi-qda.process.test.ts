import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { effectiveStatus } from '../../src/domain/execution-record.js';
import { reviewerPseudonym } from '../../src/research/pseudonyms.js';
import { runText } from '../../src/research/refi-qda-source.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { researchPython, ROOT } from '../helpers/processes.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testApp } from '../helpers/test-app.js';
import { readZip } from '../helpers/zip-read.js';

const EXECUTE = '/api/schema/pipeline/execute';

interface Project {
  errors: string[];
  texts: Record<
    string,
    { variables: Record<string, string>; codings: string[]; selections: number; file: boolean }
  >;
  pictures: { name: string; codings: string[]; file: boolean }[];
  audio: { name: string; codings: string[]; file: boolean }[];
  video: { name: string; codings: string[]; file: boolean }[];
  users: number;
  notes: number;
  cases: number;
}

function binary(res: request.Response, done: (e: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('the REFI-QDA project export', () => {
  it('writes the genealogy of a run as lines whose positions the codings point at', () => {
    const record = buildRecord({
      items: [
        buildItem(1, 'pipeline_start', 0),
        buildItem(2, 'user_input_text', 1, { content: 'Ein Bär 🐻\nim Wald' }),
        buildItem(3, 'translation_result', 1, {
          content: 'A bear',
          metadata: { from_lang: 'de', to_lang: 'en' },
        }),
        buildItem(4, 'pipeline_complete', 5),
      ],
    });
    const { text, lines } = runText(record);
    const chars = [...text];
    const line = (seq: number) => chars.slice(lines.get(seq)!.start, lines.get(seq)!.end).join('');
    expect(line(2)).toBe('[2] user_input_text (stage 1): Ein Bär 🐻 ⏎ im Wald');
    expect(line(3)).toBe('[3] translation_result (stage 1, de→en): A bear');
    expect(lines.has(1)).toBe(false);
  });

  it('validates against the REFI-QDA schema, with a source, variables and codings per run', async () => {
    const ctx = await testApp();
    const bodies = [
      {
        schema: 'dada',
        input_text: 'Ein roter Ballon <über> & dem Fluss',
        study_id: 'kunst-2026',
        condition: 'control',
      },
      {
        schema: 'stillepost',
        input_text: 'Eine Katze mit Hut',
        safety_level: 'youth',
        study_id: 'kunst-2026',
        condition: 'treatment',
      },
      { schema: 'passthrough', input_text: 'Ein Hakenkreuz', output_config: 'none' },
      { schema: 'dada', input_text: 'Ein Vogel singt', output_config: 'stable_audio' },
      { schema: 'dada', input_text: 'Ein Boot im Wind', output_config: 'wan_video' },
    ];
    const ids: string[] = [];
    for (const body of bodies)
      ids.push(
        (
          await request(ctx.app)
            .post(EXECUTE)
            .send({ ...body, user_id: 'kind-42' })
        ).body.execution_id as string,
      );
    await ctx.tracing.forceFlush();
    const [first, second, blocked, sound, film] = ids as [string, string, string, string, string];
    await ctx.store.putAnnotation(
      buildAnnotation(first, {
        key: 'faithfulness',
        value: 'mostly',
        target: { loop_iteration: 1 },
      }),
    );
    await ctx.store.putAnnotation(
      buildAnnotation(first, { key: 'comment', value: 'Schöne Farben', reviewer: 'reviewer-2' }),
    );
    const stage2 = (await ctx.store.get(second))!.items.find(
      (i) => i.item_type === 'interception_final',
    )!;
    await ctx.store.putAnnotation(
      buildAnnotation(second, {
        key: 'creativity',
        value: 'surprising',
        target: { sequence_number: stage2.sequence_number },
      }),
    );
    await ctx.store.putAnnotation(
      buildAnnotation(blocked, { key: 'block_judgment', value: 'right' }),
    );
    await ctx.store.putAnnotation(
      buildAnnotation(sound, {
        key: 'faithfulness',
        value: 'mostly',
        target: { loop_iteration: 1 },
      }),
    );

    const res = await request(ctx.app)
      .get('/api/executions/export/qdpx')
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('project.qdpx');
    const dir = await tempDir();
    for (const entry of readZip(res.body as Buffer)) {
      await mkdir(dirname(join(dir, entry.name)), { recursive: true });
      await writeFile(join(dir, entry.name), entry.data);
    }
    const project = JSON.parse(
      execFileSync(researchPython(), [join(ROOT, 'test/python/validate_qdpx.py'), dir], {
        encoding: 'utf8',
      }),
    ) as Project;

    expect(project.errors).toEqual([]);
    expect(Object.keys(project.texts).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const record = (await ctx.store.get(id))!;
      expect(project.texts[id]!.variables).toEqual({
        config: record.config_name,
        level: record.safety_level,
        status: effectiveStatus(record),
        ...(record.study_id ? { study: record.study_id } : {}),
        ...(record.condition ? { condition: record.condition } : {}),
      });
      expect(project.texts[id]!.file).toBe(true);
    }
    expect(project.texts[blocked]!.variables.status).toBe('blocked');
    expect(project.texts[first]!.codings).toEqual(['comment: Comment']);
    expect(project.texts[second]!).toMatchObject({
      codings: ['surprising: surprising and apt'],
      selections: 1,
    });
    expect(project.texts[blocked]!.codings).toEqual(['right: right']);
    const pictures = project.pictures.filter((p) => p.name.startsWith(first));
    expect(pictures).toEqual([
      expect.objectContaining({ codings: ['mostly: mostly kept'], file: true }),
    ]);
    // Sounds and videos are audio and video sources; an output's coding goes on its source.
    expect(project.audio).toEqual([
      {
        name: expect.stringMatching(new RegExp(`^${sound} \\[\\d+\\]$`)),
        codings: ['mostly: mostly kept'],
        file: true,
      },
    ]);
    expect(project.video).toEqual([
      { name: expect.stringMatching(new RegExp(`^${film} \\[\\d+\\]$`)), codings: [], file: true },
    ]);
    expect(project.texts[sound]!.codings).toEqual([]);
    expect(project).toMatchObject({ users: 2, notes: 1, cases: 5 });
    const qde = await readFile(join(dir, 'project.qde'), 'utf8');
    const texts = await Promise.all(
      readZip(res.body as Buffer).map((e) => e.data.toString('utf8')),
    );
    expect(qde).toContain('Schöne Farben'); // the text item's value, as a note
    for (const t of texts) expect(t).not.toContain('kind-42'); // no user id anywhere

    // With a study key, reviewers are named by their study pseudonym.
    const keyed = await request(ctx.app)
      .get('/api/executions/export/qdpx')
      .set('x-study-key', 'a-study-key-long-enough-0123456789')
      .buffer(true)
      .parse(binary);
    const keyedQde = readZip(keyed.body as Buffer)
      .find((e) => e.name === 'project.qde')!
      .data.toString('utf8');
    expect(keyedQde).toContain(
      `name="${reviewerPseudonym('a-study-key-long-enough-0123456789', 'reviewer-1')}"`,
    );
    expect(keyedQde).not.toContain('reviewer-1');
  }, 120_000);
});
