import { Router } from 'express';
import { requires } from '../auth/access-guard.js';
import type { Catalog } from '../../pipeline/catalog.js';
import { SAFETY_LEVELS } from '../../domain/safety-level.js';
import { knownCategoryLabels } from '../../query/stats/category-labels.js';

/**
 * `GET /api/configs`: the names and descriptions a client can choose from (for forms), and the
 * label (de, en) of each safety category a block can name (`safety_categories`).
 */
export function configsRouter(catalog: Catalog): Router {
  const router = Router();
  const body = {
    interception: [...catalog.interception.values()].map((c) => ({
      name: c.name,
      description: c.description,
      transformation: c.transformation,
      output_configs: c.output_configs,
    })),
    outputs: [...catalog.outputs.values()].map((o) => ({
      name: o.name,
      description: o.description,
      media_type: o.media_type,
    })),
    safety_levels: SAFETY_LEVELS,
    safety_categories: knownCategoryLabels(catalog.categories),
  };
  router.get('/api/configs', requires('viewer'), (_req, res) => {
    res.json(body);
  });
  return router;
}
