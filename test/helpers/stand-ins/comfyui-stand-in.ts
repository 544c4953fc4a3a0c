import express from 'express';
import { randomUUID } from 'node:crypto';
import { encodePng } from '../../../src/pipeline/media/png.js';
import { listen } from '../listen.js';

/** Options of the ComfyUI stand-in. */
export interface ComfyUiStandInOptions {
  /** How long "execution" takes before history shows the prompt done, ms. */
  executionMillis?: number;
  /** ComfyUI's own execution time reported in status messages, ms (default: the real wait). */
  reportedExecutionMillis?: number;
  /** File the workflow "saves" (extension decides the medium); default `ComfyUI_00001_.png`. */
  filename?: string;
  /** Report the prompt as failed. */
  fail?: boolean;
}

/**
 * Speaks ComfyUI's HTTP API on loopback: `POST /prompt` (validates an API-format workflow,
 * answers prompt_id/number/node_errors), `GET /history/{id}` (empty until executed, then
 * outputs and status with execution_start/execution_success timestamps), `GET /view`.
 */
export async function startComfyUiStandIn(options: ComfyUiStandInOptions = {}) {
  const prompts = new Map<
    string,
    {
      workflow: Record<string, { class_type?: string; inputs?: Record<string, unknown> }>;
      submitted: number;
    }
  >();
  const filename = options.filename ?? 'ComfyUI_00001_.png';
  const file = filename.endsWith('.png')
    ? encodePng(2, 2, new Uint8Array(12).fill(200))
    : Buffer.from(`stand-in ${filename}`);
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/prompt', (req, res) => {
    const workflow = (req.body as { prompt?: unknown }).prompt;
    if (!workflow || typeof workflow !== 'object') {
      return void res.status(400).json({
        error: {
          type: 'invalid_prompt',
          message: 'Cannot execute because prompt is missing',
          details: '',
        },
        node_errors: {},
      });
    }
    const nodes = Object.values(workflow as Record<string, { class_type?: string }>);
    if (nodes.some((n) => typeof n?.class_type !== 'string')) {
      return void res.status(400).json({
        error: {
          type: 'invalid_prompt',
          message: 'Cannot execute because a node is missing the class_type property.',
          details: '',
        },
        node_errors: {},
      });
    }
    const id = randomUUID();
    prompts.set(id, { workflow: workflow as never, submitted: Date.now() });
    res.json({ prompt_id: id, number: prompts.size, node_errors: {} });
  });
  app.get('/history/:id', (req, res) => {
    const p = prompts.get(req.params.id);
    if (!p || Date.now() - p.submitted < (options.executionMillis ?? 50)) return void res.json({});
    const start = p.submitted + 5;
    const end = start + (options.reportedExecutionMillis ?? options.executionMillis ?? 50);
    const saveNode =
      Object.entries(p.workflow).find(([, n]) => n.class_type?.startsWith('Save'))?.[0] ?? '9';
    res.json({
      [req.params.id]: {
        prompt: [1, req.params.id, p.workflow, {}, [saveNode]],
        outputs: options.fail
          ? {}
          : { [saveNode]: { images: [{ filename, subfolder: '', type: 'output' }] } },
        status: {
          status_str: options.fail ? 'error' : 'success',
          completed: !options.fail,
          messages: [
            ['execution_start', { prompt_id: req.params.id, timestamp: start }],
            ['execution_cached', { nodes: [], prompt_id: req.params.id, timestamp: start }],
            [
              options.fail ? 'execution_error' : 'execution_success',
              { prompt_id: req.params.id, timestamp: end },
            ],
          ],
        },
        meta: {},
      },
    });
  });
  app.get('/view', (req, res) => {
    if (req.query.filename !== filename || req.query.type !== 'output')
      return void res.status(404).end();
    res.type(filename.split('.').pop()!).send(file);
  });
  const server = await listen(app);
  return { ...server, prompts };
}
