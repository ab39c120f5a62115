import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
    // Collects the figures of the reliability suite and prints them as one table at the end.
    globalSetup: ['test/reliability/report.ts'],
  },
});
