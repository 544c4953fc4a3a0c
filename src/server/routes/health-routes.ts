import { Router } from 'express';
import { hasBearerToken } from '../auth.js';
import { healthReport, type HealthSources } from '../health.js';
import { sharedProbe } from '../shared-probe.js';

/** Options of `healthRouter`. */
export interface HealthRouteOptions {
  health: HealthSources;
  /** When set, only a request with this bearer token sees the details. */
  apiToken?: string;
  /** A request without the token reuses a store probe this recent; default 10,000 ms. */
  anonymousProbeMillis?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * `GET /health`: 200 while the store takes writes, 503 otherwise. With a configured token, a
 * request without it learns only `{ status: 'ok' | 'degraded' }`; the details need the token.
 * The token is checked before anything is written: a request without it shares one store probe
 * per `anonymousProbeMillis` with every other such request.
 */
export function healthRouter(options: HealthRouteOptions): Router {
  const router = Router();
  const anonymousProbe = sharedProbe(
    () => options.health.store.probeWritable?.(),
    options.anonymousProbeMillis ?? 10_000,
    options.now,
  );
  router.get('/health', async (req, res) => {
    if (options.apiToken && !hasBearerToken(req, options.apiToken)) {
      const report = await healthReport(options.health, anonymousProbe);
      res.status(report.store.writable ? 200 : 503);
      res.json({ status: report.status === 'ok' ? 'ok' : 'degraded' });
      return;
    }
    const report = await healthReport(options.health);
    res.status(report.store.writable ? 200 : 503).json(report);
  });
  return router;
}
