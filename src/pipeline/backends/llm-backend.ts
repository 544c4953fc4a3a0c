/** What a pipeline step asks of a language model. */
export interface LlmRequest {
  /** `translate`, `intercept` or `safety_check`: lets the offline backend pick its rule. */
  purpose: 'translate' | 'intercept' | 'safety_check';
  system: string;
  prompt: string;
  /** For `translate`. */
  fromLang?: string;
  toLang?: string;
  /** For `intercept` with the offline backend. */
  offlineTemplate?: string;
  /** Model to ask; default the backend's. */
  model?: string;
}

/** A model's answer, with what the trace should know of it. */
export interface LlmResponse {
  text: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** A chat model backend. */
export interface LlmBackend {
  /** Backend type recorded in items (`offline`, `ollama`, `openrouter`, …). */
  readonly type: string;
  /** `gen_ai.provider.name`. */
  readonly provider: string;
  readonly defaultModel: string;
  chat(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse>;
}

/** A backend answered with an error or could not be reached. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    message: string,
    readonly backend: string,
  ) {
    super(message);
  }
}
