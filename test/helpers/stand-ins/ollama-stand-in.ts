import express from 'express';
import { listen } from '../listen.js';

/** Options of the Ollama stand-in. */
export interface OllamaStandInOptions {
  /** Answer for each request (default: echo the user message in upper case). */
  reply?: (system: string, user: string) => string;
  /** Delay before answering, ms. */
  delayMillis?: number;
  /** Answers wait until this settles (then `delayMillis`); default none. */
  hold?: Promise<unknown>;
  /** Fail every request with this status. */
  failWith?: number;
  /** Only requests whose system prompt passes this are delayed or failed (default all). */
  only?: (system: string) => boolean;
}

/**
 * Speaks Ollama's chat API (`POST /api/chat`, `stream: false`) on loopback: validates the request
 * as Ollama does (model and messages required, 404 for an unknown model) and answers with the
 * fields Ollama sends (model, created_at, message, done, token counts, durations).
 */
export async function startOllamaStandIn(options: OllamaStandInOptions = {}) {
  const requests: {
    model: string;
    messages: { role: string; content: string }[];
    /** Arrival, epoch ms. */
    at: number;
  }[] = [];
  /** Chat calls being answered now, and the most at once so far. */
  const load = { inFlight: 0, peak: 0 };
  const app = express();
  app.use(express.json());
  app.get('/api/tags', (_req, res) => {
    res.json({ models: [{ name: 'mistral-nemo:latest' }, { name: 'llama-guard3:1b' }] });
  });
  app.post('/api/chat', async (req, res) => {
    const { model, messages, stream } = req.body as {
      model?: string;
      messages?: { role: string; content: string }[];
      stream?: boolean;
    };
    if (!model || !Array.isArray(messages))
      return void res.status(400).json({ error: 'model and messages are required' });
    if (!['mistral-nemo:latest', 'llama-guard3:1b'].includes(model))
      return void res
        .status(404)
        .json({ error: `model "${model}" not found, try pulling it first` });
    if (stream !== false)
      return void res.status(400).json({ error: 'this stand-in answers stream:false only' });
    requests.push({ model, messages, at: Date.now() });
    load.inFlight += 1;
    load.peak = Math.max(load.peak, load.inFlight);
    res.once('close', () => (load.inFlight -= 1));
    const system = messages.find((m) => m.role === 'system')?.content ?? '';
    const affected = options.only?.(system) ?? true;
    if (options.hold && affected) await options.hold;
    if (options.delayMillis && affected)
      await new Promise((r) => setTimeout(r, options.delayMillis));
    if (options.failWith && affected)
      return void res
        .status(options.failWith)
        .json({ error: 'model runner has unexpectedly stopped' });
    const user = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const content = options.reply?.(system, user) ?? user.toUpperCase();
    res.json({
      model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content },
      done_reason: 'stop',
      done: true,
      total_duration: 123_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: user.split(/\s+/).length + 10,
      prompt_eval_duration: 20_000_000,
      eval_count: content.split(/\s+/).length,
      eval_duration: 100_000_000,
    });
  });
  const server = await listen(app);
  return { ...server, requests, load };
}
