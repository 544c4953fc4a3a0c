import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 600_000,
    // The end-to-end suites start real Jaeger and collector processes: keep files in one fork
    // pool with a small concurrency so two cores are not oversubscribed.
    pool: 'forks',
    maxWorkers: 2,
  },
});
