import { h } from '../dom.js';
import { currentLang } from '../i18n.js';
import { label, rt, type ReviewKey } from '../review-i18n.js';
import type { AgreementReport, QueueProgress, RubricItem } from '../review-settings.js';
import { valueLabel } from './review-form.js';

/** `GET /api/annotations/agreement` as the page reads it. */
export type AgreementAnswer = AgreementReport & { key: string; rubric_versions: string[] };

/** A figure with three decimals in the page's language, or "undefined" with the reason as a title. */
function figure(value: number | null, none: ReviewKey = 'agree.undefined'): HTMLElement {
  if (value === null)
    return h('span', { class: 'none', title: rt('agree.undefinedWhy') }, rt(none));
  const text = value.toLocaleString(currentLang() === 'de' ? 'de-DE' : 'en-GB', {
    minimumFractionDigits: 3,
    maximumFractionDigits: 3,
  });
  return h('span', { 'data-value': value }, text);
}

const row = (term: string, value: Node | string | number, key: string) =>
  h('div', { 'data-figure': key }, h('dt', {}, term), h('dd', {}, value));

/** One rubric item's figures and its disagreements, each linking to its run. */
export function agreementCard(item: RubricItem, report: AgreementAnswer | null): HTMLElement {
  const id = `agree-${item.key}`;
  return h(
    'section',
    { class: 'card agreement', id, 'aria-labelledby': `h-${id}` },
    h('h2', { id: `h-${id}` }, label(item.labels)),
    report === null
      ? h('p', { class: 'hint' }, rt('agree.textItem'))
      : report.units === 0
        ? h('p', { class: 'hint no-judgments' }, rt('agree.noJudgments'))
        : [
            h(
              'dl',
              { class: 'figures' },
              row(
                rt('agree.alpha', { metric: rt(`agree.metric.${report.metric}`) }),
                figure(report.krippendorff_alpha),
                'alpha',
              ),
              row(rt('agree.fleiss'), figure(report.fleiss_kappa), 'fleiss'),
              row(
                rt('agree.cohen'),
                report.reviewers.length === 2
                  ? figure(report.cohen_kappa)
                  : h('span', { class: 'none' }, rt('agree.cohenNone')),
                'cohen',
              ),
              row(rt('agree.units'), report.units, 'units'),
              row(rt('agree.pairable'), report.pairable_units, 'pairable'),
              row(rt('agree.reviewers'), report.reviewers.join(', ') || '–', 'reviewers'),
            ),
            h('h3', {}, rt('agree.disagreements', { n: report.disagreements.length })),
            report.disagreements.length === 0
              ? h('p', { class: 'hint' }, rt('agree.noDisagreements'))
              : h(
                  'ul',
                  { class: 'disagreements' },
                  report.disagreements.map((d) =>
                    h(
                      'li',
                      {},
                      h(
                        'a',
                        { href: `/runs/${d.execution_id}`, 'data-link': true },
                        h('code', {}, d.execution_id),
                      ),
                      d.target &&
                        h(
                          'span',
                          { class: 'hint' },
                          ` ${
                            'loop_iteration' in d.target
                              ? rt('review.target.output', { n: d.target.loop_iteration })
                              : rt('review.target.item', { n: d.target.sequence_number })
                          }`,
                        ),
                      h(
                        'span',
                        { class: 'values' },
                        Object.entries(d.values)
                          .map(([who, v]) => `${who}: ${valueLabel(item, v)}`)
                          .join(' · '),
                      ),
                    ),
                  ),
                ),
          ],
  );
}

/** Every reviewer's progress in the queue, and the runs judged by enough reviewers. */
export function progressCard(progress: QueueProgress, perRun: number): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'review-progress', 'aria-labelledby': 'h-review-progress' },
    h('h2', { id: 'h-review-progress' }, rt('agree.progress')),
    h(
      'p',
      {},
      rt('agree.complete', { complete: progress.complete, total: progress.total, n: perRun }),
    ),
    progress.reviewers.length === 0
      ? h('p', { class: 'hint' }, rt('agree.noReviewers'))
      : h(
          'table',
          { class: 'progress-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, rt('agree.reviewer')),
              h('th', { scope: 'col' }, rt('agree.judged')),
            ),
          ),
          h(
            'tbody',
            {},
            progress.reviewers.map((r) =>
              h(
                'tr',
                { 'data-reviewer': r.reviewer },
                h('th', { scope: 'row' }, r.reviewer),
                h('td', { class: 'num' }, `${r.judged} / ${progress.total}`),
              ),
            ),
          ),
        ),
  );
}
