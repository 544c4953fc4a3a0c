import { Router } from 'express';
import { hasBearerToken } from '../auth.js';
import { healthReport, type HealthSources } from '../health.js';

/** Options of `healthRouter`. */
export interface HealthRouteOptions {
  health: HealthSources;
  /** When set, only a request with this bearer token sees the details. */
  apiToken?: string;
}

/**
 * `GET /health`: 200 while the store takes writes, 503 otherwise. With a configured token, a
 * request without it learns only `{ status: 'ok' | 'degraded' }`; the details need the token.
 */
export function healthRouter(options: HealthRouteOptions): Router {
  const router = Router();
  router.get('/health', async (req, res) => {
    const report = await healthReport(options.health);
    res.status(report.store.writable ? 200 : 503);
    if (options.apiToken && !hasBearerToken(req, options.apiToken)) {
      res.json({ status: report.status === 'ok' ? 'ok' : 'degraded' });
      return;
    }
    res.json(report);
  });
  return router;
}
