import { currentSession, isSignedIn, refreshSession, signOut } from './api.js';
import { h, replace } from './dom.js';
import { currentLang, setLang, t } from './i18n.js';
import { runsPage } from './pages/runs-list.js';
import { runPage } from './pages/run-page.js';
import { comparePage } from './pages/compare-page.js';
import { tryPage } from './pages/try-form.js';
import { navigate, type Cleanup } from './nav.js';
import { reviewLinks } from './review-links.js';
import { reviewRoute } from './review-routes.js';

const main = document.getElementById('main')!;
const bar = document.getElementById('bar')!;
let cleanup: Cleanup | undefined;

function header(): void {
  const here = location.pathname;
  const link = (path: string, label: string, active: boolean) =>
    h('a', { href: path, 'data-link': true, 'aria-current': active ? 'page' : false }, label);
  replace(
    bar,
    h('a', { class: 'brand', href: '/', 'data-link': true }, 'execution-history'),
    h(
      'nav',
      { 'aria-label': 'main' },
      link('/', t('nav.runs'), here === '/' || here.startsWith('/runs') || here === '/compare'),
      link('/stats', t('nav.stats'), here === '/stats'),
      // Starting a run needs the admin role (or an open server): others do not see the form.
      (currentSession().open || currentSession().role === 'admin') &&
        link('/try', t('nav.try'), here === '/try'),
      reviewLinks(here).map((r) => link(r.path, r.label, r.active)),
    ),
    h(
      'div',
      { class: 'tools' },
      isSignedIn() &&
        h(
          'span',
          { class: 'hint', id: 'signed-in-as' },
          t('token.signedInAs', {
            name: currentSession().name ?? '',
            role: currentSession().role ?? '',
          }),
        ),
      isSignedIn() &&
        h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            onclick: async () => {
              await signOut();
              void route();
            },
          },
          t('token.forget'),
        ),
      h(
        'button',
        {
          type: 'button',
          class: 'quiet',
          id: 'lang-switch',
          lang: currentLang() === 'de' ? 'en' : 'de',
          'aria-label': t('nav.langLabel'),
          onclick: () => {
            setLang(currentLang() === 'de' ? 'en' : 'de');
            void route();
          },
        },
        t('nav.lang'),
      ),
    ),
  );
  document.querySelector('.skip')!.textContent = t('app.skip');
}

/** The latest navigation: a page still loading when another was asked for is not shown. */
let shown = 0;

async function route(): Promise<void> {
  const seq = (shown += 1);
  cleanup?.();
  cleanup = undefined;
  document.documentElement.lang = currentLang();
  document.title = `${t('app.title')} · execution-history`;
  header();
  // Each page draws into a container of its own: one left while it still waited for an answer
  // draws into a container no longer shown, never over the page that followed it.
  const view = document.createElement('div');
  view.className = 'view';
  main.replaceChildren(view);
  const path = location.pathname;
  const run = /^\/runs\/(exec_[0-9]{8}_[0-9]{6}_[0-9a-f]{8})$/.exec(path);
  const review = reviewRoute(view, path);
  let done: Cleanup;
  if (review) done = await review;
  else if (run) done = await runPage(view, run[1]!);
  else if (path === '/try') done = await tryPage(view);
  else if (path === '/compare') done = await comparePage(view);
  // The overview loads its plotting library only when it is opened.
  else if (path === '/stats') done = await (await import('./pages/stats-page.js')).statsPage(view);
  else done = await runsPage(view);
  if (seq !== shown) return done(); // left before it was ready: its timers and streams stop
  cleanup = done;
  header();
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element | null)?.closest?.('a[data-link]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href')!);
});
window.addEventListener('popstate', () => void route());

await refreshSession();
await route();
