import express from 'express';
import { listen } from '../listen.js';

/**
 * An Ollama `/api/chat` in front of other ones: each call is forwarded to the base URL `route()`
 * names, or answered 500 when it names none (a backend that fails, then recovers, or moves).
 */
export async function startChatSwitch(route: () => string | null) {
  const app = express();
  app.use(express.json());
  app.post('/api/chat', async (req, res) => {
    const target = route();
    if (target === null) return void res.status(500).json({ error: 'down' });
    const answer = await fetch(`${target}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req.body),
    });
    res
      .status(answer.status)
      .type('json')
      .send(await answer.text());
  });
  return listen(app);
}
