import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and SQLite files; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    // Says once when the PostgreSQL suites are skipped (no PostgreSQL here) and how to run them.
    globalSetup: ['test/pg/global-setup.ts'],
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
