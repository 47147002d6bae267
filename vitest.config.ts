import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Server code is compiled with swc so NestJS gets its decorator metadata (esbuild emits none).
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The Meilisearch engine against a real server runs only where one is given (MEILI_URL).
    exclude: ['**/node_modules/**', 'test/bench/**', ...(process.env.MEILI_URL ? [] : ['test/search/meili-live.test.ts'])],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
  },
});
