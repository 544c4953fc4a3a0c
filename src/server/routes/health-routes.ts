import { Router } from 'express';
import { accessContext, requires } from '../auth/access-guard.js';
import { decideAccess } from '../auth/access-decision.js';
import { healthReport, type HealthSources } from '../health.js';

/** Options of `healthRouter`. */
export interface HealthRouteOptions {
  health: HealthSources;
}

/**
 * `GET /health`: 200 while the store takes writes, 503 otherwise. It answers everyone; on a
 * server with tokens, a caller without a viewer (or reviewer, admin) token learns only
 * `{ status: 'ok' | 'degraded' }`.
 */
export function healthRouter(options: HealthRouteOptions): Router {
  const router = Router();
  router.get('/health', requires('public'), async (_req, res) => {
    const report = await healthReport(options.health);
    res.status(report.store.writable ? 200 : 503);
    if (decideAccess(accessContext(res), 'viewer')) {
      res.json({ status: report.status === 'ok' ? 'ok' : 'degraded' });
      return;
    }
    res.json(report);
  });
  return router;
}
