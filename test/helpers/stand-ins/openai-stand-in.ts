import express from 'express';
import { listen } from '../listen.js';

/**
 * Speaks OpenAI-compatible chat completions (`POST /v1/chat/completions`) on loopback, as
 * OpenRouter, vLLM and LM Studio do: bearer key checked (401 otherwise), OpenAI's response shape
 * with `choices` and `usage`.
 */
export async function startOpenAiStandIn(options: {
  apiKey: string;
  reply?: (user: string) => string;
}) {
  const requests: { model: string; messages: { role: string; content: string }[] }[] = [];
  const app = express();
  app.use(express.json());
  app.post('/v1/chat/completions', (req, res) => {
    if (req.get('authorization') !== `Bearer ${options.apiKey}`) {
      return void res.status(401).json({
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    }
    const { model, messages } = req.body as {
      model?: string;
      messages?: { role: string; content: string }[];
    };
    if (!model || !Array.isArray(messages) || messages.length === 0) {
      return void res.status(400).json({
        error: { message: "'messages' is a required property", type: 'invalid_request_error' },
      });
    }
    requests.push({ model, messages });
    const user = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const content = options.reply?.(user) ?? `[${model}] ${user}`;
    res.json({
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    });
  });
  const server = await listen(app);
  return { ...server, baseUrl: `${server.url}/v1`, requests };
}
