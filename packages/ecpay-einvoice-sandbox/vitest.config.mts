import { defineConfig } from 'vitest/config';

// The package's own suite: `npm test` here, or `npm test -w packages/ecpay-einvoice-sandbox` from the
// shop, whose root configuration can run it as the project "ecpay-einvoice-sandbox". No database, no shop.
export default defineConfig({
  test: {
    name: 'ecpay-einvoice-sandbox',
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 240_000,
  },
});
