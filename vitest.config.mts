import { configDefaults, defineConfig } from 'vitest/config';

// Two projects, both run by `npm test`. The unit project needs no database: it starts no
// PostgreSQL, so `npm run test:unit` answers in seconds. Every other file is an integration test
// and shares the one PostgreSQL server and migrated template that the global set-up starts per run.
const unitTests = [
  'tests/unit/**/*.test.ts',
  'tests/sandbox/**/*.test.ts',
  'tests/admin/bank-rules.test.ts',
  'tests/admin/csv.test.ts',
  'tests/mail/mail-catcher.test.ts',
  'tests/payments/bank-answers.test.ts',
  'tests/payments/payment-details.test.ts',
];

export default defineConfig({
  // tsconfig.json's paths: the shop's tests import the workspace packages' sources, as tsx does.
  resolve: { tsconfigPaths: true },
  test: {
    // Two files at a time even on two cores (vitest's default there is one): most of a file's time
    // is spent waiting on PostgreSQL, Chromium or a child process, not on its own CPU.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: unitTests } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...unitTests],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
