import { currentSession } from './api.js';
import { h } from './dom.js';
import { rt } from './review-i18n.js';

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
