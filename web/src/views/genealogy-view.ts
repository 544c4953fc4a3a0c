import { h, seconds } from '../dom.js';
import type { PromptStep } from '../genealogy.js';
import { t } from '../i18n.js';

function stepTitle(step: PromptStep): string {
  switch (step.kind) {
    case 'original':
      return t('run.original');
    case 'translation':
      return t('run.translation');
    case 'iteration':
      return t('run.iteration', { n: step.iteration ?? '?' });
    case 'final':
      return t('run.final');
  }
}

/** The prompt's genealogy as a timeline, each step with its diff to the one before. */
export function genealogyView(steps: PromptStep[]): Node {
  if (steps.length === 0) return h('p', { class: 'hint' }, t('run.genealogyEmpty'));
  return h(
    'ol',
    { class: 'genealogy' },
    steps.map((step) =>
      h(
        'li',
        { class: `gen gen-${step.kind}`, 'data-kind': step.kind },
        h(
          'div',
          { class: 'gen-head' },
          h('strong', {}, stepTitle(step)),
          (step.fromLang || step.toLang) &&
            h('span', { class: 'langs' }, [step.fromLang, step.toLang].filter(Boolean).join(' → ')),
          step.model && h('span', { class: 'hint' }, `${step.backend ?? ''} · ${step.model}`),
          step.seconds != null && h('span', { class: 'hint' }, seconds(step.seconds)),
        ),
        h('p', { class: 'gen-text', lang: step.toLang ?? step.fromLang ?? false }, step.text),
        step.diff &&
          step.diff.some((p) => p.op !== 'same') &&
          h(
            'p',
            { class: 'diff', 'aria-label': t('run.diff') },
            h('span', { class: 'diff-mark', title: t('run.diff'), 'aria-hidden': 'true' }, 'Δ'),
            step.diff.map((p) =>
              p.op === 'same' ? `${p.text} ` : h(p.op === 'add' ? 'ins' : 'del', {}, p.text, ' '),
            ),
          ),
      ),
    ),
  );
}
