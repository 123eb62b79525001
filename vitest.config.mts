import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two projects, both run by `npm test`. The unit project needs no database: it starts no
// PostgreSQL, so `npm run test:unit` answers in seconds. Every other file is an integration test
// and shares the one PostgreSQL server and migrated template that the global set-up starts per run.
// Each workspace package (packages/*) brings its own suite and configuration, run here as a project too.
const unitTests = [
  'tests/unit/**/*.test.ts',
  'tests/sandbox/**/*.test.ts',
  'tests/admin/bank-rules.test.ts',
  'tests/admin/csv.test.ts',
  'tests/payments/bank-answers.test.ts',
  'tests/payments/payment-details.test.ts',
];

// The files that take longest (each 15 s or more on two cores), longest first. On two workers the run
// lasts at least as long as its last file, so these start first and the short files fill in beside
// them; vitest's own order (by the durations it cached, or by file size on a fresh clone, as in CI)
// put files like the two-process e-invoice test near the end. That test mostly waits (30 s for a
// lost answer's retry), so it runs beside the busiest browser file rather than the next browser
// file. A file missing here only starts later.
const LONG_FILES = [
  'tests/browser/shopper-experience.test.ts',
  'tests/einvoice/two-shop-processes.test.ts',
  'tests/browser/checkout-invoice.test.ts',
  'tests/browser/back-office-pages.test.ts',
  'tests/deploy/production-install.test.ts',
  'tests/admin/login.test.ts',
  'tests/browser/merchant-morning.test.ts',
  'tests/reliability/several-machines.test.ts',
  'tests/browser/payments.test.ts',
  'tests/browser/finding-products.test.ts',
  'tests/browser/language-and-phone.test.ts',
  'tests/browser/admin-catalogue.test.ts',
  'tests/db/new-migration.test.ts',
  'tests/shop/order-lookup.test.ts',
  'tests/browser/shopper-refunds-and-switch.test.ts',
  'tests/browser/admin-invoices.test.ts',
];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = LONG_FILES.indexOf(relative(file.project.config.root, file.moduleId).replaceAll('\\', '/'));
      return at === -1 ? LONG_FILES.length : at;
    };
    // Array sort is stable: the other files keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  // tsconfig.json's paths: the shop's tests import the workspace packages' sources, as tsx does.
  resolve: { tsconfigPaths: true },
  test: {
    // Two files at a time even on two cores (vitest's default there is one): most of a file's time
    // is spent waiting on PostgreSQL, Chromium or a child process, not on its own CPU.
    maxWorkers: 2,
    sequence: { sequencer: LongFilesFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Without isolation, as the integration project below: the one unit file that fakes timers puts them back after each test.
      { extends: true, test: { name: 'unit', include: unitTests, isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...unitTests],
          globalSetup: ['tests/support/global-setup.ts'],
          // A worker runs its files one after another in one module graph instead of importing the
          // shop's modules (Prisma's client, the app) again for every file, which took about as long
          // as many a file's tests. Each file still has its own database, servers and browser; no
          // integration test mocks modules, fakes timers or changes the environment.
          isolate: false,
        },
      },
      'packages/*/vitest.config.mts',
    ],
  },
});
