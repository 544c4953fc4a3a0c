import { api } from './api.js';
import type { CategoryLabels } from './stats-labels.js';

let asked: Promise<CategoryLabels> | null = null;

/**
 * The label (de, en) of each safety category the server's catalog knows (`GET /api/configs`'
 * `safety_categories`), asked once per page load; a failed answer is asked again next time.
 */
export function safetyCategories(): Promise<CategoryLabels> {
  asked ??= api<{ safety_categories?: CategoryLabels }>('/api/configs').then(
    (res) => (res.status === 200 ? (res.body.safety_categories ?? {}) : {}),
    (error: unknown) => {
      asked = null;
      throw error;
    },
  );
  return asked;
}
