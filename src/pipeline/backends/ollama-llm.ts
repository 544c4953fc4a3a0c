import { postJson } from './http-json.js';
import { BackendError, type LlmBackend, type LlmRequest, type LlmResponse } from './llm-backend.js';

/** Options of `OllamaLlmBackend`. */
export interface OllamaOptions {
  /** Default `http://127.0.0.1:11434`. */
  baseUrl?: string;
  /** Default `mistral-nemo:latest`. */
  model?: string;
  /** Default 120,000 ms. */
  timeoutMillis?: number;
}

interface OllamaChatResponse {
  model?: string;
  message?: { role: string; content: string };
  prompt_eval_count?: number;
  eval_count?: number;
}

/** Ollama's chat API (`POST /api/chat`, not streamed). */
export class OllamaLlmBackend implements LlmBackend {
  readonly type = 'ollama';
  readonly provider = 'ollama';
  readonly defaultModel: string;
  private readonly baseUrl: string;
  private readonly timeoutMillis: number;

  constructor(options: OllamaOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
    this.defaultModel = options.model ?? 'mistral-nemo:latest';
    this.timeoutMillis = options.timeoutMillis ?? 120_000;
  }

  async chat(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const model = request.model ?? this.defaultModel;
    const body = await postJson<OllamaChatResponse>(
      `${this.baseUrl}/api/chat`,
      {
        model,
        stream: false,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.prompt },
        ],
      },
      { backend: this.type, timeoutMillis: this.timeoutMillis, signal },
    );
    const text = body.message?.content;
    if (typeof text !== 'string')
      throw new BackendError('ollama answered without message.content', this.type);
    return {
      text: text.trim(),
      model: body.model ?? model,
      inputTokens: body.prompt_eval_count,
      outputTokens: body.eval_count,
    };
  }
}
