import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The fast loop (`npm run test:unit`): every test that needs no process of its own. Left out by
 * name, and run by `npm test`: `*.pg.test.ts` (PostgreSQL), `*.process.test.ts` (child
 * processes: the server or CLI, Jaeger, the collector, Go, Python), `*.e2e.test.ts` (whole
 * deployments), `*.browser.test.ts` (Chromium).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        '**/node_modules/**',
        'test/**/*.pg.test.ts',
        'test/**/*.process.test.ts',
        'test/**/*.e2e.test.ts',
        'test/**/*.browser.test.ts',
      ],
    },
  }),
);
