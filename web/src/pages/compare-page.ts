import { api } from '../api.js';
import { h, replace, setTitle } from '../dom.js';
import { t } from '../i18n.js';
import type { Cleanup } from '../nav.js';
import { MAX_COMPARE } from '../selection.js';
import type { RunRecord, RunSummary } from '../types.js';
import { compareView } from '../views/compare-view.js';
import { promptQuery } from '../compare-align.js';

const ID = /^exec_[0-9]{8}_[0-9]{6}_[0-9a-f]{8}$/;
/**
 * Runs of the same prompt as `id` in other configs and safety levels: the search for its
 * first words, kept where the prompt's excerpt is the same; this run first, then one run per
 * other (config, level), newest first, up to 4 in all.
 */
async function samePrompt(id: string): Promise<{ ids: string[]; q: string | null }> {
  const own = await api<RunRecord>(`/api/executions/${id}`);
  if (own.status !== 200) return { ids: [id], q: null };
  const prompt = own.body.items.find((i) => i.item_type === 'user_input_text')?.content;
  const q = prompt ? promptQuery(prompt) : '';
  if (!q) return { ids: [id], q: null };
  const found = await api<{ executions: RunSummary[] }>(
    `/api/executions?${new URLSearchParams({ q, limit: '100' })}`,
  );
  const hits = found.status === 200 ? found.body.executions : [];
  const excerpt = hits.find((s) => s.execution_id === id)?.prompt_excerpt;
  const seen = new Set([`${own.body.config_name}|${own.body.safety_level}`]);
  const ids = [id];
  for (const s of hits) {
    if (ids.length >= MAX_COMPARE) break;
    const combo = `${s.config_name}|${s.safety_level}`;
    if (s.prompt_excerpt !== excerpt || seen.has(combo)) continue;
    seen.add(combo);
    ids.push(s.execution_id);
  }
  return { ids, q };
}

/** `/compare?ids=a,b,c` (2–4 runs) or `/compare?same_prompt=<id>`: runs side by side. */
export async function comparePage(main: HTMLElement): Promise<Cleanup> {
  const params = new URLSearchParams(location.search);
  replace(main, h('h1', {}, t('compare.title')), h('p', { class: 'hint' }, t('run.loading')));
  setTitle(t('compare.title'), main);
  let ids = (params.get('ids') ?? '').split(',').filter((s) => ID.test(s));
  let more: Node | null = null;
  const same = params.get('same_prompt');
  if (same && ID.test(same)) {
    const found = await samePrompt(same);
    ids = found.ids;
    if (found.q)
      more = h(
        'a',
        { href: `/?${new URLSearchParams({ q: found.q })}`, 'data-link': true },
        t('compare.allMatches'),
      );
    if (ids.length >= 2) history.replaceState(null, '', `/compare?ids=${ids.join(',')}`);
    else
      return (
        replace(
          main,
          h('h1', {}, t('compare.samePrompt')),
          h('p', { class: 'empty' }, t('compare.samePromptNone')),
          more && h('p', {}, more),
        ),
        () => undefined
      );
  }
  ids = [...new Set(ids)];
  if (ids.length < 2 || ids.length > MAX_COMPARE) {
    replace(
      main,
      h('h1', {}, t('compare.title')),
      h('p', { class: 'problem' }, t('compare.tooFew')),
    );
    return () => undefined;
  }
  const answers = await Promise.all(ids.map((id) => api<RunRecord>(`/api/executions/${id}`)));
  const missing = ids.filter((_id, n) => answers[n]!.status !== 200);
  if (missing.length > 0) {
    replace(
      main,
      h('h1', {}, t('compare.title')),
      missing.map((id) => h('p', { class: 'problem' }, t('compare.missing', { id }))),
    );
    return () => undefined;
  }
  const runs = answers.map((a) => a.body);
  setTitle(t('title.compare', { n: runs.length }), main);
  replace(
    main,
    h('h1', {}, same ? t('compare.samePrompt') : t('compare.title')),
    more && h('p', { class: 'links' }, more),
    h('div', { class: 'compare' }, compareView(runs)),
  );
  return () => undefined;
}
