import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // Model loading and index builds are real work on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Environment variables a test sets with vi.stubEnv are put back after it.
    unstubEnvs: true,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2 } },
  },
});
