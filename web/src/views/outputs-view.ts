import { h, seconds } from '../dom.js';
import { t } from '../i18n.js';
import { objPreview } from '../obj-preview.js';
import type { Item } from '../types.js';
import { mediaLabel, reasonLabel } from '../vocabulary.js';
import { str } from './parts.js';

const fileName = (path: string) => path.split(/[\\/]/).at(-1)!;
const mediaUrl = (id: string, path: string) =>
  `/api/executions/${id}/media/${encodeURIComponent(fileName(path))}`;

/** What the outputs section needs of the page. */
export interface OutputsContext {
  id: string;
  ended: boolean;
  /** The run's final status (null while it runs): says why there are no outputs. */
  status: string | null;
  /** Media elements by item sequence, kept across renders (a playing sound keeps playing). */
  media: Map<number, HTMLElement>;
}

/** The run's outputs per loop: media inline with a download link, or why it is missing. */
export function outputsView(view: OutputsContext, items: Item[]): Node {
  const loops = [
    ...new Set(
      items.filter((i) => i.loop_iteration != null && i.stage >= 3).map((i) => i.loop_iteration!),
    ),
  ].sort((a, b) => a - b);
  if (loops.length === 0)
    return h(
      'p',
      { class: 'hint no-outputs' },
      view.ended ? noOutputs(view.status, items) : t('run.outputsWaiting'),
    );
  const prompt = items.find((i) => i.item_type === 'interception_final')?.content ?? '';
  const shortPrompt = prompt.length > 160 ? `${prompt.slice(0, 157)}…` : prompt;
  return h(
    'div',
    { class: 'outputs' },
    loops.map((loop) => {
      const of = items.filter((i) => i.loop_iteration === loop);
      const output = of.find((i) => i.stage === 4 && i.item_type.startsWith('output_'));
      const blocked = of.find((i) => i.item_type === 'stage3_blocked');
      const error = of.find((i) => i.item_type === 'pipeline_error');
      const config = output?.config_used ?? of[0]?.config_used ?? '';
      return h(
        'figure',
        { class: `output ${blocked ? 'output-blocked' : ''}`, 'data-loop': loop },
        output ? media(view, output, config, shortPrompt) : null,
        blocked &&
          h(
            'div',
            { class: 'blocked-box', role: 'note' },
            h('strong', {}, t('run.outputBlocked')),
            h('p', {}, `${t('run.reason')}: ${reasonLabel(str(blocked.metadata.blocked_reason))}`),
            blocked.content && h('p', { class: 'reason-text' }, blocked.content),
          ),
        error && h('p', { class: 'problem' }, error.content ?? ''),
        h(
          'figcaption',
          {},
          h('strong', {}, t('run.output', { n: loop })),
          ' ',
          h('code', {}, config),
          output &&
            ` · ${mediaLabel(output.media_type)} · ${output.backend_type ?? ''} · ${seconds(output.execution_time)}`,
          output?.file_path &&
            h(
              'a',
              {
                href: mediaUrl(view.id, output.file_path),
                download: fileName(output.file_path),
                class: 'dl',
              },
              t('run.download'),
            ),
        ),
      );
    }),
  );
}

/**
 * Why a run that ended has no outputs, in words: blocked (by which stage, why), failed (where),
 * not recorded to its end, and "text only" only for a completed run that made none.
 */
export function noOutputs(status: string | null, items: Item[]): string {
  if (status === 'blocked') {
    const block = items.find((i) => i.item_type.endsWith('_blocked'));
    const reason = str(block?.metadata.blocked_reason);
    const stage = block?.stage ?? 1;
    // A block recorded without a reason (e.g. by the Python client) is told without one.
    return reason === null
      ? t('outputs.blockedNoReason', { stage })
      : t('outputs.blocked', { stage, reason: reasonLabel(reason) });
  }
  if (status === 'failed') {
    const error = items.find((i) => i.item_type === 'pipeline_error');
    return t('outputs.failed', {
      stage: error?.stage ?? '?',
      error: str(error?.metadata.error_type) ?? 'Error',
    });
  }
  if (status === 'completed') return t('outputs.textOnly');
  return t('outputs.incomplete');
}

function media(
  view: OutputsContext,
  item: Item,
  config: string,
  prompt: string,
): HTMLElement | null {
  if (!item.file_path) return null;
  const cached = view.media.get(item.sequence_number);
  if (cached) return cached;
  const url = mediaUrl(view.id, item.file_path);
  let el: HTMLElement;
  switch (item.media_type) {
    case 'image':
      el = h('img', { src: url, alt: t('run.alt.image', { config, prompt }), loading: 'lazy' });
      break;
    case 'video':
      el = h('img', { src: url, alt: t('run.alt.video', { config, prompt }) });
      break;
    case 'audio':
    case 'music':
      el = h('audio', {
        src: url,
        controls: true,
        preload: 'metadata',
        'aria-label': t('run.audio', { config }),
      });
      break;
    case '3d': {
      el = h('div', { class: 'obj-holder' });
      void fetch(url)
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
        .then((text) => el.replaceChildren(objPreview(text, t('run.alt.3d', { config }))))
        .catch(() => undefined);
      break;
    }
    default:
      return null;
  }
  view.media.set(item.sequence_number, el);
  return el;
}
