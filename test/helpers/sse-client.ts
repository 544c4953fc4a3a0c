import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  event: string;
  data: unknown;
  id?: string;
  /** Milliseconds since the request was sent. */
  atMillis: number;
}

/** Parses SSE text into its events and comment lines (per the WHATWG event-stream format). */
export function parseSse(text: string): {
  events: Omit<SseEvent, 'atMillis'>[];
  comments: string[];
} {
  const events: Omit<SseEvent, 'atMillis'>[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line.startsWith('id: ')) id = line.slice(4);
    }
    if (data.length) events.push({ event, id, data: JSON.parse(data.join('\n')) as unknown });
  }
  return { events, comments };
}

/**
 * Opens an event stream and collects it until the server ends it or `stopWhen` says so;
 * `onEvent` sees each event as it arrives.
 */
export function readSse(
  url: string,
  options: {
    headers?: Record<string, string>;
    stopWhen?: (events: SseEvent[]) => boolean;
    onEvent?: (event: SseEvent) => void;
  } = {},
): Promise<{ status: number; events: SseEvent[]; comments: string[]; res: IncomingMessage }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: options.headers }, (res) => {
      let buffer = '';
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const done = () => resolve({ status: res.statusCode!, events, comments, res });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const cut = buffer.lastIndexOf('\n\n');
        if (cut < 0) return;
        const parsed = parseSse(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        comments.push(...parsed.comments);
        for (const e of parsed.events) {
          const event = { ...e, atMillis: performance.now() - started };
          events.push(event);
          options.onEvent?.(event);
        }
        if (options.stopWhen?.(events)) {
          req.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', () => undefined);
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}
