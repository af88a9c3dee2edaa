import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Cross-worker tests start real worker_threads; give each file room, but every wait inside a
    // test carries its own deadline so a bug fails fast instead of eating this budget.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
