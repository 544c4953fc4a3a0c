import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, type Cleanup } from '../nav.js';
import { describe, levelLabel, mediaLabel } from '../vocabulary.js';
import { setTitle } from '../dom.js';

type Description = { de: string; en: string };

interface Configs {
  interception: { name: string; description: Description; output_configs: string[] }[];
  outputs: { name: string; description: Description; media_type: string }[];
  safety_levels: string[];
}

interface Started {
  execution_id: string;
  links: { page: string };
  message?: string;
}

/** A form that starts a run asynchronously and opens its page. */
export async function tryPage(main: HTMLElement): Promise<Cleanup> {
  setTitle(t('title.try'), main);
  const configs = (await api<Configs>('/api/configs')).body;
  const prompt = h('textarea', {
    id: 'try-prompt',
    name: 'input_text',
    rows: 3,
    required: true,
    maxlength: 2000,
    placeholder: 'Eine Blume auf der Wiese',
  });
  const config = h(
    'select',
    { id: 'try-config', name: 'schema' },
    configs.interception.map((c) =>
      h(
        'option',
        { value: c.name, selected: c.name === 'stillepost' },
        `${c.name} – ${describe(c.description)}`,
      ),
    ),
  );
  const output = h(
    'select',
    { id: 'try-output', name: 'output_config' },
    h('option', { value: '' }, t('try.outputDefault')),
    h('option', { value: 'none' }, t('try.outputNone')),
    configs.outputs.map((o) =>
      h('option', { value: o.name }, `${o.name} (${mediaLabel(o.media_type)})`),
    ),
  );
  const safety = h(
    'select',
    { id: 'try-safety', name: 'safety_level' },
    configs.safety_levels.map((l) =>
      h('option', { value: l, selected: l === 'kids' }, levelLabel(l)),
    ),
  );
  const language = h(
    'select',
    { id: 'try-language', name: 'input_language' },
    h('option', { value: 'de' }, 'Deutsch (de)'),
    h('option', { value: 'en' }, 'English (en)'),
  );
  const problem = h('p', { class: 'problem', role: 'alert' });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', id: 'try-submit' },
    t('try.submit'),
  );
  const row = (id: string, label: string, control: HTMLElement) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const form = h(
    'form',
    { class: 'try card' },
    row('try-prompt', t('try.prompt'), prompt),
    h(
      'div',
      { class: 'row' },
      row('try-config', t('try.config'), config),
      row('try-output', t('try.output'), output),
      row('try-safety', t('try.safety'), safety),
      row('try-language', t('try.language'), language),
    ),
    problem,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    submit.disabled = true;
    submit.textContent = t('try.starting');
    try {
      const body: Record<string, string> = {
        schema: config.value,
        input_text: prompt.value,
        safety_level: safety.value,
        input_language: language.value,
      };
      if (output.value) body.output_config = output.value;
      const res = await api<Started>('/api/schema/pipeline/execute', {
        method: 'POST',
        json: body,
        headers: { prefer: 'respond-async' },
      });
      if (res.status !== 202) throw new ApiError(res.status, res.body.message ?? '');
      navigate(res.body.links.page);
    } catch (error) {
      problem.textContent = t('try.failed', { message: (error as Error).message });
      submit.disabled = false;
      submit.textContent = t('try.submit');
    }
  });
  replace(main, h('h1', {}, t('try.title')), form);
  prompt.focus();
  return () => undefined;
}
