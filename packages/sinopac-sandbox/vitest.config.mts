import { defineConfig } from 'vitest/config';

// The package's own suite: `npm test` here, or `npm test -w packages/sinopac-sandbox` from the
// shop, whose root configuration runs it too as its project "sinopac-sandbox". No database, no shop.
export default defineConfig({
  test: {
    name: 'sinopac-sandbox',
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
