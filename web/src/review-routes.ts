import type { Cleanup } from './nav.js';
import { agreementPage } from './pages/agreement-page.js';
import { reviewPage } from './pages/review-page.js';
import { reviewStart } from './pages/review-start.js';
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
