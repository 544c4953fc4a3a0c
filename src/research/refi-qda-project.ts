import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { extname, join } from 'node:path';
import type { Annotation } from '../domain/annotation.js';
import type { ExecutionItem } from '../domain/execution-item.js';
import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';
import type { Rubric } from '../review/rubric.js';
import { BundleMedia } from './bundle-media.js';
import type { BundleOutput } from './research-bundle.js';
import { reviewerPseudonym } from './pseudonyms.js';
import type { RecordEntry } from './record-entries.js';
import { QdaCodes } from './refi-qda-codes.js';
import { qdaGuid, runText } from './refi-qda-source.js';
import { TOOL_NAME, TOOL_VERSION } from './tool-info.js';
import { xmlText } from './xml-text.js';

/** Options of `writeQdpx`. */
export interface QdpxOptions {
  /** A directory for intermediate files (the caller removes it). */
  scratchDir: string;
  /**
   * Where runs' media are: their images, sounds and videos become picture, audio and video
   * sources. Default: none.
   */
  mediaDir?: string;
  /** A run's annotations, coded on its sources; default none. */
  annotationsOf?: (executionId: string) => Promise<Annotation[]>;
  /** Rubrics, for the labels of the codes; default none (codes named by key and value). */
  rubrics?: readonly Rubric[];
  /** Study key: reviewers are named by their study pseudonym; default their names. */
  studyKey?: string;
  /** Time of the export; default now. */
  now?: Date;
}

/** What a `.qdpx` holds. */
export interface QdpxCounts {
  records: number;
  errors: number;
  text_sources: number;
  picture_sources: number;
  audio_sources: number;
  video_sources: number;
  codings: number;
}

const FORBIDDEN_ALL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const text = (v: unknown): string => xmlText(String(v).replace(FORBIDDEN_ALL, '\ufffd')).text;
const attrs = (a: Record<string, unknown>): string =>
  Object.entries(a)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlText(String(v).replace(FORBIDDEN_ALL, '\ufffd'), true).text}"`)
    .join('');

/** The variables of every run (REFI-QDA text variables). */
const VARIABLES = {
  config: (r: ExecutionRecord) => r.config_name,
  level: (r: ExecutionRecord) => r.safety_level,
  status: (r: ExecutionRecord) => effectiveStatus(r),
  study: (r: ExecutionRecord) => r.study_id ?? null,
  condition: (r: ExecutionRecord) => r.condition ?? null,
} as const;
const variableGuid = (name: string) => qdaGuid('variable', name);

function variableValues(r: ExecutionRecord, pad: string): string[] {
  return Object.entries(VARIABLES).flatMap(([name, get]) => {
    const v = get(r);
    return v === null
      ? []
      : [
          `${pad}<VariableValue><VariableRef targetGUID="${variableGuid(name)}"/><TextValue>${text(v)}</TextValue></VariableValue>`,
        ];
  });
}

async function put(stream: WriteStream, s: string): Promise<void> {
  if (!stream.write(s)) await once(stream, 'drain');
}

const isOutputOf = (loop: number) => (i: ExecutionItem) =>
  i.item_type.startsWith('output_') && i.loop_iteration === loop;

/** The REFI-QDA source an output of a media type becomes (3D models and texts stay lines). */
interface SourceKind {
  element: 'PictureSource' | 'AudioSource' | 'VideoSource';
  counter: 'picture_sources' | 'audio_sources' | 'video_sources';
  /** How the run's text names the file (and the kind its GUID is derived from). */
  label: string;
}
const AUDIO: SourceKind = {
  element: 'AudioSource',
  counter: 'audio_sources',
  label: 'audio',
};
const SOURCE_KINDS: Readonly<Record<string, SourceKind>> = {
  image: { element: 'PictureSource', counter: 'picture_sources', label: 'picture' },
  audio: AUDIO,
  music: AUDIO,
  video: { element: 'VideoSource', counter: 'video_sources', label: 'video' },
};

interface MediaSource {
  guid: string;
  name: string;
  path: string;
  kind: SourceKind;
}

/**
 * Writes a REFI-QDA project (`.qdpx`: `project.qde` and `sources/`) of the entries to `output`
 * (the entries of a ZIP): each run a text source (its genealogy, `runText`) with its images,
 * sounds and videos as picture, audio and video sources, a case per run grouping them, the variables config, level, status, study and
 * condition, and each annotation a coding (whole source, the item's line, or the output's
 * media source) with its reviewer as user and its note as a note. Memory stays flat in the runs.
 */
export async function writeQdpx(
  entries: AsyncIterable<RecordEntry>,
  output: BundleOutput,
  options: QdpxOptions,
): Promise<QdpxCounts> {
  const counts: QdpxCounts = {
    records: 0,
    errors: 0,
    text_sources: 0,
    picture_sources: 0,
    audio_sources: 0,
    video_sources: 0,
    codings: 0,
  };
  const codes = new QdaCodes(options.rubrics);
  const users = new Map<string, string>();
  const scratch = (name: string) => join(options.scratchDir, name);
  const sources = createWriteStream(scratch('sources.xml'));
  const cases = createWriteStream(scratch('cases.xml'));
  const notes = createWriteStream(scratch('notes.xml'));
  const media = options.mediaDir ? new BundleMedia({ dir: options.mediaDir }) : null;
  try {
    for await (const entry of entries) {
      if (entry.kind === 'error') {
        counts.errors += 1;
        continue;
      }
      counts.records += 1;
      const r = entry.record;
      const id = r.execution_id;
      const textGuid = qdaGuid('text', id);
      const mediaSources = new Map<number, MediaSource>();
      for (const i of r.items) {
        const kind = SOURCE_KINDS[i.media_type];
        if (!media || !kind || !i.item_type.startsWith('output_')) continue;
        const link = await media.link(id, i);
        const path = link?.sha256 ? media.path(link.sha256) : undefined;
        if (!path) continue;
        const guid = qdaGuid(kind.label, id, i.sequence_number);
        mediaSources.set(i.sequence_number, {
          guid,
          name: `${guid}${extname(path).toLowerCase()}`,
          path,
          kind,
        });
      }
      const { text: plain, lines } = runText(r, (i) => {
        const source = mediaSources.get(i.sequence_number);
        return source ? `${source.kind.label} ${source.name}` : null;
      });
      await output.file(`sources/${textGuid}.txt`, [plain], false);
      counts.text_sources += 1;

      const sourceCodings: string[] = [];
      const selections: string[] = [];
      const mediaCodings = new Map<number, string[]>();
      for (const a of (await options.annotationsOf?.(id)) ?? []) {
        if (a.deleted_at !== null) continue;
        const reviewer = options.studyKey
          ? reviewerPseudonym(options.studyKey, a.reviewer)
          : a.reviewer;
        const userGuid = users.get(reviewer) ?? qdaGuid('user', reviewer);
        users.set(reviewer, userGuid);
        const noteGuid = qdaGuid('note', a.annotation_id);
        const noteText = [codes.isTextItem(a) ? String(a.value) : null, a.note]
          .filter(Boolean)
          .join('\n\n');
        if (noteText)
          await put(
            notes,
            `    <Note${attrs({ guid: noteGuid, name: `${a.rubric}/${a.key} on ${id}`, creatingUser: userGuid, creationDateTime: a.created_at })}><PlainTextContent>${text(noteText)}</PlainTextContent></Note>\n`,
          );
        const coding = `<Coding${attrs({ guid: qdaGuid('coding', a.annotation_id), creatingUser: userGuid, creationDateTime: a.created_at })}><CodeRef targetGUID="${codes.codeOf(a)}"/>${noteText ? `<NoteRef targetGUID="${noteGuid}"/>` : ''}</Coding>`;
        counts.codings += 1;
        const target = a.target;
        let seq: number | undefined;
        if (target && 'loop_iteration' in target) {
          const out = r.items.find(isOutputOf(target.loop_iteration));
          if (out && mediaSources.has(out.sequence_number)) {
            mediaCodings.set(out.sequence_number, [
              ...(mediaCodings.get(out.sequence_number) ?? []),
              coding,
            ]);
            continue;
          }
          seq = out?.sequence_number;
        } else if (target && 'sequence_number' in target) seq = target.sequence_number;
        const line = seq === undefined ? undefined : lines.get(seq);
        if (line)
          selections.push(
            `      <PlainTextSelection${attrs({ guid: qdaGuid('selection', a.annotation_id), name: `[${seq}]`, startPosition: line.start, endPosition: line.end, creatingUser: userGuid, creationDateTime: a.created_at })}>${coding}</PlainTextSelection>`,
          );
        else sourceCodings.push(`      ${coding}`);
      }

      await put(
        sources,
        [
          `    <TextSource${attrs({ guid: textGuid, name: id, plainTextPath: `internal://${textGuid}.txt` })}>`,
          ...selections,
          ...sourceCodings,
          ...variableValues(r, '      '),
          '    </TextSource>',
          '',
        ].join('\n'),
      );
      for (const [seq, p] of mediaSources) {
        await output.file(`sources/${p.name}`, createReadStream(p.path), true);
        counts[p.kind.counter] += 1;
        await put(
          sources,
          [
            `    <${p.kind.element}${attrs({ guid: p.guid, name: `${id} [${seq}]`, path: `internal://${p.name}` })}>`,
            ...(mediaCodings.get(seq) ?? []).map((c) => `      ${c}`),
            ...variableValues(r, '      '),
            `    </${p.kind.element}>`,
            '',
          ].join('\n'),
        );
      }
      await put(
        cases,
        [
          `    <Case${attrs({ guid: qdaGuid('case', id), name: id })}>`,
          ...variableValues(r, '      '),
          `      <SourceRef targetGUID="${textGuid}"/>`,
          ...[...mediaSources.values()].map((p) => `      <SourceRef targetGUID="${p.guid}"/>`),
          '    </Case>',
          '',
        ].join('\n'),
      );
    }
    await Promise.all([sources, cases, notes].map((s) => new Promise((ok) => s.end(ok))));
  } finally {
    for (const s of [sources, cases, notes]) s.destroy();
  }
  const now = (options.now ?? new Date()).toISOString();
  async function* project(): AsyncGenerator<string | Buffer> {
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0"${attrs({ name: `${TOOL_NAME} export ${now}`, origin: `${TOOL_NAME} ${TOOL_VERSION}`, creationDateTime: now })}>\n`;
    if (users.size)
      yield `  <Users>\n${[...users].map(([name, guid]) => `    <User${attrs({ guid, name })}/>`).join('\n')}\n  </Users>\n`;
    yield codes.xml();
    yield `  <Variables>\n${Object.keys(VARIABLES)
      .map(
        (name) =>
          `    <Variable${attrs({ guid: variableGuid(name), name, typeOfVariable: 'Text' })}/>`,
      )
      .join('\n')}\n  </Variables>\n`;
    const section = async function* (tag: string, file: string) {
      if (counts.records === 0 && tag !== 'Notes') return;
      let first = true;
      for await (const chunk of createReadStream(scratch(file))) {
        if (first) yield `  <${tag}>\n`;
        first = false;
        yield chunk as Buffer;
      }
      if (!first) yield `  </${tag}>\n`;
    };
    yield* section('Cases', 'cases.xml');
    yield* section('Sources', 'sources.xml');
    yield* section('Notes', 'notes.xml');
    yield '</Project>\n';
  }
  await output.file('project.qde', project(), false);
  return counts;
}
