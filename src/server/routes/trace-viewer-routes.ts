import { Router } from 'express';
import { requires } from '../auth/access-guard.js';
import type { JaegerUiStatus } from '../jaeger-ui-status.js';

/** `GET /api/trace-viewer`: whether the web view may offer "Trace in Jaeger" (`TraceViewer`). */
export function traceViewerRouter(status: JaegerUiStatus): Router {
  const router = Router();
  router.get('/api/trace-viewer', requires('viewer'), async (_req, res) => {
    res.set('cache-control', 'no-store').json(await status.current());
  });
  return router;
}
