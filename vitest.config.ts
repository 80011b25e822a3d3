import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters:
      process.env.CI === 'true' ? ['default', ['json', { outputFile: '.ci/results.json' }]] : ['default'],
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
