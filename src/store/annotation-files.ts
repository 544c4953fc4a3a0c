import { OrderedWrites } from './ordered-writes.js';
import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AnnotationSchema, type Annotation } from '../domain/annotation.js';
import { byCreation, matchesQuery, type AnnotationQuery } from './annotation-store.js';
import { GroupCommitWriter, syncDirectory } from './group-commit.js';

/** Options of `AnnotationFiles.open`. */
export interface AnnotationFilesOptions {
  /** fsync each file and the directory, as record files are; default true. */
  fsync?: boolean;
  /** Where unreadable files are reported; default: dropped. */
  warn?: (message: string) => void;
}

const FILE = /^(exec_\d{8}_\d{6}_[0-9a-f]{8})\.json$/;
const RunAnnotationsSchema = z.array(AnnotationSchema);

/**
 * The file store's annotations: one `<execution_id>.json` (a JSON array) per annotated run in
 * one directory (made at the first annotation), all held in memory after open; each change rewrites the run's file atomically
 * and durably, and changes of one run are applied in call order.
 */
export class AnnotationFiles {
  private readonly byRun = new Map<string, Map<string, Annotation>>();
  private readonly writes = new OrderedWrites();
  private readonly writer: GroupCommitWriter;
  private counter = 0;
  private made = false;

  private constructor(
    readonly directory: string,
    private readonly fsync: boolean,
  ) {
    this.writer = new GroupCommitWriter({ directory, fsync });
  }

  /** Opens (creating if needed) the directory and reads every run's annotations. */
  static async open(
    directory: string,
    options: AnnotationFilesOptions = {},
  ): Promise<AnnotationFiles> {
    const files = new AnnotationFiles(directory, options.fsync ?? true);
    const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const name of names) {
      if (name.startsWith('.tmp-')) await rm(join(directory, name), { force: true });
      const id = FILE.exec(name)?.[1];
      if (!id) continue;
      try {
        const list = RunAnnotationsSchema.parse(
          JSON.parse(await readFile(join(directory, name), 'utf8')),
        );
        files.byRun.set(id, new Map(list.map((a) => [a.annotation_id, a])));
      } catch (error) {
        options.warn?.(`skipping annotations ${name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return files;
  }

  /** Saves the annotation when `runExists()` (asked in turn, after earlier changes of the run). */
  put(annotation: Annotation, runExists: () => boolean): Promise<boolean> {
    const id = annotation.execution_id;
    return this.inOrder(id, async () => {
      if (!runExists()) return false;
      const next = new Map(this.byRun.get(id));
      next.set(annotation.annotation_id, structuredClone(annotation));
      const text = `${JSON.stringify([...next.values()].sort(byCreation), null, 2)}\n`;
      if (!this.made) await mkdir(this.directory, { recursive: true });
      this.made = true;
      const temp = join(this.directory, `.tmp-${process.pid}-${(this.counter += 1)}-${id}`);
      await this.writer.write(temp, this.pathOf(id), text);
      this.byRun.set(id, next);
      return true;
    });
  }

  /** The run's annotations, oldest first. */
  of(executionId: string): Annotation[] {
    return [...(this.byRun.get(executionId)?.values() ?? [])]
      .map((a) => structuredClone(a))
      .sort(byCreation);
  }

  /** Every annotation answering `query`, oldest first. */
  find(query: AnnotationQuery): Annotation[] {
    return [...this.byRun.values()]
      .flatMap((ofRun) => [...ofRun.values()])
      .filter((a) => matchesQuery(a, query))
      .map((a) => structuredClone(a))
      .sort(byCreation);
  }

  /** Removes the run's annotations (its file); how many there were. */
  remove(executionId: string): Promise<number> {
    return this.inOrder(executionId, async () => {
      const count = this.byRun.get(executionId)?.size ?? 0;
      if (count === 0) return 0;
      await unlink(this.pathOf(executionId)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.byRun.delete(executionId);
      if (this.fsync) await syncDirectory(this.directory);
      return count;
    });
  }

  /** Waits for changes under way. */
  async settle(): Promise<void> {
    await this.writes.idle();
  }

  private pathOf(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  private inOrder<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.writes.run(id, task);
  }
}
