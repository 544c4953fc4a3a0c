/** What a page leaves behind to stop (streams, timers). */
export type Cleanup = () => void;

/** Goes to `path` inside the web view without reloading the page. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
