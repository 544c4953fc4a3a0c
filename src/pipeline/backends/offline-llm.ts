import type { LlmBackend, LlmRequest, LlmResponse } from './llm-backend.js';
import { DE_EN, EN_TO } from './offline-dictionary.js';

/** The dictionary's own entry for `key`; never an inherited one (`constructor`, `__proto__`). */
function own<T>(dictionary: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(dictionary, key) ? dictionary[key] : undefined;
}

function translateWords(text: string, dictionary: Readonly<Record<string, string>>): string {
  let working = text.trim().replace(/[.!?。]+$/u, '');
  for (const key of Object.keys(dictionary)
    .filter((k) => k.includes(' '))
    .sort((a, b) => b.length - a.length)) {
    working = working.split(key).join(dictionary[key]!);
  }
  const words = working
    .split(/\s+/u)
    .map((w) => {
      const bare = w.replace(/[,;:]+$/u, '');
      const mapped = own(dictionary, bare.toLowerCase()) ?? own(dictionary, bare);
      return mapped === undefined ? w : mapped + w.slice(bare.length);
    })
    .filter((w) => w !== '');
  const out = words.join(' ');
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/**
 * The offline language backend: deterministic rules, no model. Translation by a small word list
 * (unknown words stay as they are), interception by the config's template, safety check by
 * the terms the filter found. Labelled `offline` in records: it only shows the flow.
 */
export class OfflineLlmBackend implements LlmBackend {
  readonly type = 'offline';
  readonly provider = 'offline';
  readonly defaultModel = 'offline-rules-v1';

  async chat(request: LlmRequest): Promise<LlmResponse> {
    const words = request.prompt.split(/\s+/u).length;
    const answer = (text: string): LlmResponse => ({
      text,
      model: this.defaultModel,
      inputTokens: words,
      outputTokens: text.split(/\s+/u).length,
    });
    switch (request.purpose) {
      case 'translate': {
        if (request.fromLang === request.toLang)
          return answer(`${request.prompt.trim().replace(/[.!?]+$/u, '')}.`);
        const dictionary =
          request.fromLang === 'de' && request.toLang === 'en'
            ? DE_EN
            : (own(EN_TO, request.toLang ?? 'en') ?? {});
        return answer(`${translateWords(request.prompt, dictionary)}.`);
      }
      case 'intercept':
        // Literal insertion: split/join, so `$&`, `$'` and `` $` `` in a prompt stay as typed.
        return answer(
          (request.offlineTemplate ?? '{prompt}')
            .split('{prompt}')
            .join(request.prompt.trim().replace(/[.!?]+$/u, '')),
        );
      case 'safety_check':
        // Only asked when the term filter matched: the offline rule upholds the filter.
        return answer('unsafe');
    }
  }
}
