import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The fast loop (`npm run test:unit`): every test that needs no process of its own and is not a
 * load or fault suite. Left out by name, and run by `npm test`: `*.pg.test.ts` (PostgreSQL),
 * `*.process.test.ts` (child processes: the server or CLI, Jaeger, the collector, Go, Python),
 * `*.e2e.test.ts` (whole deployments), `*.browser.test.ts` (Chromium), and the fault and load
 * suites (`test/faults/`: a thousand generated requests, floods, races; `*.fuzz.test.ts`:
 * fuzzing for a fixed time).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      // One module graph per worker instead of per file: importing the server and the SDK
      // again for every file cost most of the loop's time. Tests restore what they change
      // (fake timers, globals) themselves.
      isolate: false,
      exclude: [
        '**/node_modules/**',
        'test/**/*.pg.test.ts',
        'test/**/*.process.test.ts',
        'test/**/*.e2e.test.ts',
        'test/**/*.browser.test.ts',
        'test/faults/**',
        'test/**/*.fuzz.test.ts',
      ],
    },
  }),
);
