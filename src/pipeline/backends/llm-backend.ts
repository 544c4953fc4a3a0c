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
  /** Pipeline stage asking (1-3), for failure logs and health. */
  stage?: number;
  /** Sampling parameters; unset: the backend's default (recorded as null). */
  temperature?: number;
  maxTokens?: number;
  seed?: number;
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

/** Why a backend call failed, as answers and logs name it. */
export type BackendErrorCode =
  | 'backend_timeout'
  | 'backend_unreachable'
  | 'backend_http_error'
  | 'backend_bad_answer'
  | 'backend_generation_failed'
  | 'backend_misconfigured';

/** A backend answered with an error or could not be reached. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    message: string,
    readonly backend: string,
    /** Default `backend_bad_answer`. */
    readonly code: BackendErrorCode = 'backend_bad_answer',
    /** HTTP status of the backend's answer, for `backend_http_error`. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}
