import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{modules,read-models,infra,scripts,prisma}/**/*.test.ts', 'web/tests/**/*.test.ts'],
    globalSetup: ['infra/testing/global-setup.ts'],
    // Every file gets its own database, so files run in parallel; tests inside a file run in order.
    pool: 'forks',
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
