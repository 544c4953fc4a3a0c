import type { ExecutionMode } from '../../domain/execution-mode.js';
import type { OutputConfig } from '../catalog-schemas.js';
import { ComfyUiMediaBackend, type ComfyUiOptions } from './comfyui-media.js';
import type { LlmBackend } from './llm-backend.js';
import type { MediaBackend } from './media-backend.js';
import { OfflineLlmBackend } from './offline-llm.js';
import { OfflineMediaBackend } from './offline-media.js';
import { OllamaLlmBackend, type OllamaOptions } from './ollama-llm.js';
import { OpenAiCompatibleLlmBackend, type OpenAiCompatibleOptions } from './openai-llm.js';

export type LlmBackendKind = 'offline' | 'ollama' | 'openai';
export type MediaBackendKind = 'offline' | 'comfyui';
export type { ExecutionMode };

/** Which backend serves each mode, and how to reach the HTTP ones. */
export interface BackendSettings {
  llm: Record<ExecutionMode, LlmBackendKind>;
  media: Record<ExecutionMode, MediaBackendKind>;
  ollama?: OllamaOptions;
  openai?: OpenAiCompatibleOptions;
  comfyui?: ComfyUiOptions;
  /** Model for safety checks; default the LLM backend's. */
  safetyModel?: string;
  /** A safety verdict not given within this blocks at kids and youth; default 30,000. */
  safetyTimeoutMillis?: number;
}

/** Backends chosen per execution mode. */
export interface Backends {
  llm(mode: ExecutionMode): LlmBackend;
  media(mode: ExecutionMode, output: OutputConfig): MediaBackend;
  safetyModel?: string;
  safetyTimeoutMillis: number;
}

/** Builds the backends the settings name (offline for everything by default). */
export function createBackends(settings: BackendSettings): Backends {
  const offlineLlm = new OfflineLlmBackend();
  const offlineMedia = new OfflineMediaBackend();
  const llms: Record<LlmBackendKind, () => LlmBackend> = {
    offline: () => offlineLlm,
    ollama: () => new OllamaLlmBackend(settings.ollama),
    openai: () => {
      if (!settings.openai)
        throw new Error('the openai LLM backend needs OPENAI_BASE_URL and OPENAI_MODEL');
      return new OpenAiCompatibleLlmBackend(settings.openai);
    },
  };
  const byMode = {
    eco: llms[settings.llm.eco](),
    fast: llms[settings.llm.fast](),
  };
  const comfy = new ComfyUiMediaBackend(settings.comfyui);
  const media: Record<MediaBackendKind, MediaBackend> = { offline: offlineMedia, comfyui: comfy };
  return {
    llm: (mode) => byMode[mode],
    media: (mode, output) => {
      const kind = settings.media[mode];
      // Outputs without a ComfyUI workflow are made offline even when ComfyUI is configured.
      return kind === 'comfyui' && !output.comfyui_workflow ? offlineMedia : media[kind];
    },
    safetyModel: settings.safetyModel,
    safetyTimeoutMillis: settings.safetyTimeoutMillis ?? 30_000,
  };
}

/** Everything offline: deterministic, needs nothing. */
export const OFFLINE_BACKENDS: BackendSettings = {
  llm: { eco: 'offline', fast: 'offline' },
  media: { eco: 'offline', fast: 'offline' },
};
