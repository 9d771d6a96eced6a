import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `e2e` talks to a real Docker engine and builds images.
// Tests never ask an instance metadata service for AWS credentials, wherever they run.
const NO_METADATA_SERVICE = { AWS_EC2_METADATA_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env: NO_METADATA_SERVICE,
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.e2e.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          env: NO_METADATA_SERVICE,
          include: ['**/*.e2e.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/engine/src/test-support/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
