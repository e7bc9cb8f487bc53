// Root vitest entry: runs every project's suite (each project extends vitest.shared.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
