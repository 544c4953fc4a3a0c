import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getJson, postJson, request } from './http-json.js';
import { BackendError } from './llm-backend.js';
import {
  producedMediaType,
  type MediaBackend,
  type MediaRequest,
  type MediaResult,
} from './media-backend.js';

/** Options of `ComfyUiMediaBackend`. */
export interface ComfyUiOptions {
  /** Default `http://127.0.0.1:8188`. */
  baseUrl?: string;
  /** Whole generation limit; default 600,000 ms. */
  timeoutMillis?: number;
  /** History polling interval; default 250 ms. */
  pollMillis?: number;
}

interface HistoryFile {
  filename: string;
  subfolder?: string;
  type?: string;
}
interface HistoryEntry {
  outputs?: Record<string, Record<string, HistoryFile[] | unknown>>;
  status?: {
    status_str?: string;
    completed?: boolean;
    messages?: [string, { timestamp?: number }][];
  };
}

function fill(value: unknown, prompt: string, seed: number): unknown {
  if (value === '{{prompt}}') return prompt;
  if (value === '{{seed}}') return seed;
  if (Array.isArray(value)) return value.map((v) => fill(v, prompt, seed));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, prompt, seed)]));
  }
  return value;
}

function firstFile(entry: HistoryEntry): HistoryFile | undefined {
  for (const node of Object.values(entry.outputs ?? {})) {
    for (const list of Object.values(node)) {
      if (Array.isArray(list)) {
        const file = list.find(
          (f): f is HistoryFile => typeof (f as HistoryFile)?.filename === 'string',
        );
        if (file) return file;
      }
    }
  }
  return undefined;
}

/** Generation seconds from ComfyUI's execution_start / execution_success messages, when present. */
function executionSeconds(entry: HistoryEntry): number | undefined {
  const messages = entry.status?.messages ?? [];
  const at = (name: string) => messages.find(([n]) => n === name)?.[1]?.timestamp;
  const start = at('execution_start');
  const end = at('execution_success');
  return start !== undefined && end !== undefined && end >= start
    ? (end - start) / 1000
    : undefined;
}

/**
 * ComfyUI: submits the output config's workflow to `POST /prompt`, waits for it in
 * `GET /history/{prompt_id}`, fetches the file through `GET /view`. The time recorded is the
 * generation (ComfyUI's own execution timestamps, else submission to completion), not the
 * submission or the download.
 */
export class ComfyUiMediaBackend implements MediaBackend {
  readonly type = 'comfyui';
  readonly provider = 'comfyui';
  private readonly baseUrl: string;
  private readonly timeoutMillis: number;
  private readonly pollMillis: number;

  constructor(options: ComfyUiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:8188').replace(/\/+$/, '');
    this.timeoutMillis = options.timeoutMillis ?? 600_000;
    this.pollMillis = options.pollMillis ?? 250;
  }

  async generate(req: MediaRequest, signal?: AbortSignal): Promise<MediaResult> {
    const workflow = req.output.comfyui_workflow;
    if (!workflow)
      throw new BackendError(
        `output config ${req.output.name} has no comfyui_workflow`,
        this.type,
        'backend_misconfigured',
      );
    const http = { backend: this.type, timeoutMillis: 30_000, signal };
    const submitted = performance.now();
    const answer = await postJson<{ prompt_id?: string; node_errors?: Record<string, unknown> }>(
      `${this.baseUrl}/prompt`,
      { prompt: fill(workflow, req.prompt, req.seed), client_id: randomUUID() },
      http,
    );
    if (!answer.prompt_id) throw new BackendError('comfyui accepted no prompt_id', this.type);
    const entry = await this.waitFor(answer.prompt_id, submitted, signal);
    const generationSeconds = executionSeconds(entry) ?? (performance.now() - submitted) / 1000;
    const file = firstFile(entry);
    if (!file)
      throw new BackendError(`comfyui prompt ${answer.prompt_id} produced no file`, this.type);
    const query = new URLSearchParams({
      filename: file.filename,
      subfolder: file.subfolder ?? '',
      type: file.type ?? 'output',
    });
    const media = Buffer.from(
      await (await request(`${this.baseUrl}/view?${query}`, { method: 'GET' }, http)).arrayBuffer(),
    );
    const ext = extname(file.filename).toLowerCase() || '.bin';
    const filePath = join(req.directory, `${req.fileStem}${ext}`);
    await writeFile(filePath, media);
    return {
      filePath,
      mediaType: producedMediaType(file.filename, req.output.media_type),
      model: req.output.model,
      generationSeconds,
      metadata: {
        ...req.output.params,
        seed: req.seed,
        comfyui_prompt_id: answer.prompt_id,
        comfyui_filename: file.filename,
        bytes: media.length,
      },
    };
  }

  private async waitFor(
    promptId: string,
    submitted: number,
    signal?: AbortSignal,
  ): Promise<HistoryEntry> {
    for (;;) {
      const history = await getJson<Record<string, HistoryEntry>>(
        `${this.baseUrl}/history/${encodeURIComponent(promptId)}`,
        { backend: this.type, timeoutMillis: 30_000, signal },
      );
      const entry = history[promptId];
      if (entry?.status?.status_str === 'error')
        throw new BackendError(
          `comfyui prompt ${promptId} failed`,
          this.type,
          'backend_generation_failed',
        );
      if (entry && (entry.status?.completed ?? entry.outputs !== undefined)) return entry;
      if (performance.now() - submitted > this.timeoutMillis) {
        throw new BackendError(
          `comfyui prompt ${promptId} not done within ${this.timeoutMillis} ms`,
          this.type,
          'backend_timeout',
        );
      }
      await new Promise((r) => setTimeout(r, this.pollMillis));
      signal?.throwIfAborted();
    }
  }
}
