// One vitest base for every project: the @whittle/* aliases and the defaults all suites share.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));

export const sharedVitestConfig = defineConfig({
  resolve: {
    alias: {
      '@whittle/datasets': lib('datasets'),
      '@whittle/distill': lib('distill'),
      '@whittle/quantize': lib('quantize'),
      '@whittle/eval': lib('eval'),
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // tfjs-wasm and onnxruntime are single-threaded per process here; forks keep them isolated.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
