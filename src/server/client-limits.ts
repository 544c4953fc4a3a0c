/** What one client may hold at once: live streams, and asynchronous runs for everyone. */
export interface ClientLimits {
  /** Live streams (SSE) one remote address may hold open; more get 429. Default 8. */
  liveStreamsPerClient: number;
  /** Asynchronous runs (`Prefer: respond-async`) whose stages run at once; default 4. */
  asyncRunsRunning: number;
  /** Asynchronous runs waiting for a slot; beyond them, 429 with `Retry-After`. Default 32. */
  asyncRunsQueued: number;
}

/** The limits used for what `createApp` is not given. */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  liveStreamsPerClient: 8,
  asyncRunsRunning: 4,
  asyncRunsQueued: 32,
};
