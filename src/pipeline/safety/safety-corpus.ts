import { readFile } from 'node:fs/promises';
import { OfflineLlmBackend } from '../backends/offline-llm.js';
import type { Catalog } from '../catalog.js';
import type { CheckedText } from './safety-check.js';
import { CorpusPromptSchema, type CorpusPrompt } from './safety-evaluation.js';

/** Reads a corpus file (JSON lines), each line checked by `CorpusPromptSchema`. */
export async function readCorpus(path: string): Promise<CorpusPrompt[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const parsed = CorpusPromptSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.message}`);
    return parsed.data;
  });
}

/**
 * The texts an offline run of `config` has for a prompt: the child's, the offline translation
 * (unknown German words stay German) and the offline interception of it.
 */
export function offlineRunTexts(catalog: Catalog, config: string) {
  const llm = new OfflineLlmBackend();
  const interception = catalog.interception.get(config);
  if (!interception) throw new Error(`unknown config "${config}"`);
  return async (prompt: CorpusPrompt): Promise<CheckedText[]> => {
    const translation = await llm.chat({
      purpose: 'translate',
      system: '',
      prompt: prompt.text,
      fromLang: prompt.lang,
      toLang: 'en',
    });
    const final = await llm.chat({
      purpose: 'intercept',
      system: interception.context,
      prompt: translation.text,
      offlineTemplate: interception.offline_template,
    });
    return [
      { role: 'original', text: prompt.text, lang: prompt.lang },
      { role: 'translation', text: translation.text, lang: 'en' },
      { role: 'final_prompt', text: final.text, lang: 'en' },
    ];
  };
}
