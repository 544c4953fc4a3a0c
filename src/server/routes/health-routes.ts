import { Router } from 'express';
import { accessContext, requires } from '../auth/access-guard.js';
import { decideAccess } from '../auth/access-decision.js';
import { healthReport, type HealthSources } from '../health.js';
import { sharedProbe } from '../shared-probe.js';

/** Options of `healthRouter`. */
export interface HealthRouteOptions {
  health: HealthSources;
  /** A caller without a viewer token reuses a store probe this recent; default 10,000 ms. */
  anonymousProbeMillis?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * `GET /health`: 200 while the store takes writes, 503 otherwise. It answers everyone; on a
 * server with tokens, a caller without a viewer (or reviewer, admin) token learns only
 * `{ status: 'ok' | 'degraded' }`, and shares one store probe per `anonymousProbeMillis` with
 * every other such caller (nothing is written for an unknown caller).
 */
export function healthRouter(options: HealthRouteOptions): Router {
  const router = Router();
  const anonymousProbe = sharedProbe(
    () => options.health.store.probeWritable?.(),
    options.anonymousProbeMillis ?? 10_000,
    options.now,
  );
  router.get('/health', requires('public'), async (_req, res) => {
    if (decideAccess(accessContext(res), 'viewer')) {
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
