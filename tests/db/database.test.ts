import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('test database', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([first.drop(), second.drop()]);
  });

  it('is a migrated PostgreSQL database', async () => {
    const [row] = await first.db.$queryRaw<{ version: string }[]>`SELECT version()`;
    expect(row?.version).toMatch(/^PostgreSQL/);
    const applied = await first.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
    expect(Number(applied[0]!.n)).toBeGreaterThan(0);
  });

  it('is isolated from every other test database', async () => {
    await first.db.product.create({
      data: { slug: 'tea', nameZh: '茶', nameEn: 'Tea', descriptionZh: '好茶', descriptionEn: 'Good tea', priceTwd: 450, stock: 3 },
    });
    expect(await first.db.product.count()).toBe(1);
    expect(await second.db.product.count()).toBe(0);
  });
});
