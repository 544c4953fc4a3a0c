import { postJson } from './http-json.js';
import { BackendError, type LlmBackend, type LlmRequest, type LlmResponse } from './llm-backend.js';

/** Options of `OpenAiCompatibleLlmBackend`. */
export interface OpenAiCompatibleOptions {
  /** API base including `/v1`, e.g. `https://openrouter.ai/api/v1` or a local vLLM. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Backend type recorded in items; default `openrouter`. */
  type?: string;
  /** Default 120,000 ms. */
  timeoutMillis?: number;
}

interface ChatCompletion {
  model?: string;
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** OpenAI-compatible chat completions (OpenRouter, vLLM, LM Studio): `POST {base}/chat/completions`. */
export class OpenAiCompatibleLlmBackend implements LlmBackend {
  readonly type: string;
  readonly provider = 'openai';
  readonly defaultModel: string;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.type = options.type ?? 'openrouter';
    this.defaultModel = options.model;
  }

  async chat(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const model = request.model ?? this.defaultModel;
    const body = await postJson<ChatCompletion>(
      `${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`,
      {
        model,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.prompt },
        ],
      },
      {
        backend: this.type,
        timeoutMillis: this.options.timeoutMillis ?? 120_000,
        headers: this.options.apiKey
          ? { authorization: `Bearer ${this.options.apiKey}` }
          : undefined,
        signal,
      },
    );
    const text = body.choices?.[0]?.message?.content;
    if (typeof text !== 'string')
      throw new BackendError(`${this.type} answered without choices[0].message.content`, this.type);
    return {
      text: text.trim(),
      model: body.model ?? model,
      inputTokens: body.usage?.prompt_tokens,
      outputTokens: body.usage?.completion_tokens,
    };
  }
}
