import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** One line of the erasure log: what was erased, when and why; never record content. */
export const ErasureEntrySchema = z.object({
  time: z.string(),
  reason: z.enum(['erasure_request', 'retention']),
  source: z.enum(['api', 'cli', 'retention']),
  user_id: z.string().optional(),
  session_id: z.string().optional(),
  retention_days: z.number().optional(),
  /** Retention: records started at or before this instant were erased. */
  older_than: z.string().optional(),
  /** Retention: records dated after this instant (in the future, beyond clock skew) were erased too. */
  newer_than: z.string().optional(),
  execution_ids: z.array(z.string()),
  records_deleted: z.number().int().min(0),
  media_dirs_deleted: z.number().int().min(0),
  /** Annotations on the erased runs (absent in entries written before annotations existed). */
  annotations_deleted: z.number().int().min(0).optional(),
});
export type ErasureEntry = z.infer<typeof ErasureEntrySchema>;

/**
 * The append-only JSONL file an auditor reads: one entry per erasure or retention pass. Each
 * append is one write to a file opened for appending, synced before it resolves.
 */
export class ErasureLog {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Appends `entry` (validated first); appends of one log are applied in call order. */
  append(entry: ErasureEntry): Promise<void> {
    const line = `${JSON.stringify(ErasureEntrySchema.parse(entry))}\n`;
    const next = this.tail.catch(() => {}).then(() => this.write(line));
    this.tail = next;
    return next;
  }

  /** Every entry, oldest first; a missing file is an empty log, a damaged line is skipped. */
  async read(): Promise<ErasureEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text.split('\n').flatMap((line) => {
      if (!line.trim()) return [];
      try {
        const parsed = ErasureEntrySchema.safeParse(JSON.parse(line));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }

  private async write(line: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a', 0o600);
    try {
      await file.write(line);
      await file.sync();
    } finally {
      await file.close();
    }
  }
}
