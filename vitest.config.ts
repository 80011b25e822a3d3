import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters:
      process.env.CI === 'true' ? ['default', ['json', { outputFile: '.ci/results.json' }]] : ['default'],
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Most files spend their time waiting (fakes answering late, leases and windows running out), not
    // computing: four files at once on two cores takes the suite from ~6.5 to ~2.3 minutes. Every file
    // keeps its own workspaces, databases or scratch folders, so they do not see each other's work, and
    // timing assertions are written to hold on a busy machine.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
