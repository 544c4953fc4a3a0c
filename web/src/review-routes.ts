import { currentSession } from './api.js';
import { h } from './dom.js';
import type { Cleanup } from './nav.js';
import { agreementPage } from './pages/agreement-page.js';
import { reviewPage } from './pages/review-page.js';
import { reviewStart } from './pages/review-start.js';
import { rt } from './review-i18n.js';
import './review.css';

const REVIEW_RUN = /^\/review\/(exec_[0-9]{8}_[0-9]{6}_[0-9a-f]{8})$/;

/** The page of a review address (`/review`, `/review/:id`, `/agreement`); null for other addresses. */
export function reviewRoute(main: HTMLElement, path: string): Promise<Cleanup> | null {
  const run = REVIEW_RUN.exec(path);
  if (run) return reviewPage(main, run[1]!);
  if (path === '/review') return reviewStart(main);
  if (path === '/agreement') return agreementPage(main);
  return null;
}

/** The review links of the bar: judging for reviewers (and open servers), agreement for all. */
export function reviewLinks(here: string): { path: string; label: string; active: boolean }[] {
  const { open, role } = currentSession();
  const judges = open || role === 'reviewer' || role === 'admin';
  return [
    ...(judges
      ? [{ path: '/review', label: rt('nav.review'), active: here.startsWith('/review') }]
      : []),
    { path: '/agreement', label: rt('nav.agreement'), active: here === '/agreement' },
  ];
}

/** The run page's link into the review mode of that run (for those who may judge). */
export function reviewLinkFor(id: string): HTMLElement | null {
  const { open, role } = currentSession();
  if (!open && role !== 'reviewer' && role !== 'admin') return null;
  return h(
    'a',
    { href: `/review/${id}`, 'data-link': true, class: 'button quiet' },
    rt('nav.review'),
  );
}
