// Migrations that change rows, not only the schema, run against a database holding rows written
// before them: the attempts paid on cancelled orders are flagged for the back office's count, and
// the payment method's letters become the shop's words in the enum and in the settlement tables.
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from '../../src/db/databases';
import { applyMigrations, readMigrations } from '../../src/db/migrate';

const FIRST_DATA_MIGRATION = '20261206124000_paid_on_cancelled_order';
const server = inject('databaseServerUrl');
const name = `fengshou_data_migrations_${randomBytes(5).toString('hex')}`;
const before = mkdtempSync(join('.data', 'migrations-before-'));

afterAll(async () => {
  await dropDatabase(server, name);
  rmSync(before, { recursive: true, force: true });
});

it('carries the rows written before them', async () => {
  const migrations = readMigrations();
  const earlier = migrations.filter((migration) => migration.name < FIRST_DATA_MIGRATION);
  expect(earlier.length).toBeLessThan(migrations.length);
  for (const migration of earlier) cpSync(join('prisma/migrations', migration.name), join(before, migration.name), { recursive: true });
  await createDatabaseIfMissing(server, name);
  const url = databaseUrl(server, name);
  await applyMigrations(url, { dir: before });

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const order = async (status: string, payType: string) => {
      const id = randomUUID();
      await client.query(
        `INSERT INTO "Order" (id, number, "ownerToken", "customerName", email, phone, "payType", "totalTwd", status, "updatedAt")
         VALUES ($1, $2, 'owner', '王小明', 'a@example.com', '0912345678', $3, 100, $4, now())`,
        [id, `FS${randomBytes(4).toString('hex')}`, payType, status],
      );
      return id;
    };
    const payment = async (orderId: string, status: string, payType: string) => {
      const id = randomUUID();
      await client.query(
        `INSERT INTO "Payment" (id, "orderId", "orderNo", "payType", amount, status, "updatedAt") VALUES ($1, $2, $3, $4, 10000, $5, now())`,
        [id, orderId, `FSP${randomBytes(8).toString('hex')}`, payType, status],
      );
      return id;
    };
    const paidOnCancelled = await payment(await order('cancelled', 'C'), 'paid', 'C');
    const pendingOnCancelled = await payment(await order('cancelled', 'A'), 'pending', 'A');
    const paidOnPaid = await payment(await order('paid', 'C'), 'paid', 'C');
    await client.query(
      `INSERT INTO "SettlementDay" (day, state, "fetchedAt", "bankPayments", "bankPaymentAmount", "bankRefunds", "bankRefundAmount",
         "shopPayments", "shopPaymentAmount", "shopRefunds", "shopRefundAmount", "differenceCount")
       VALUES ('20261201', 'differences', now(), 3, 30000, 0, 0, 2, 20000, 0, 0, 1)`,
    );
    for (const [position, payType] of [[0, 'C'], [1, 'A'], [2, 'X']] as const) {
      await client.query(`INSERT INTO "SettlementLine" (day, position, "orderNo", "tsType", "payType", amount) VALUES ('20261201', $1, $2, 'P', $3, 10000)`, [
        position, `FSP${position}`, payType,
      ]);
    }
    await client.query(
      `INSERT INTO "SettlementDifference" (day, kind, "orderNo", "tsType", "bankPayType", "shopPayType") VALUES ('20261201', 'type_mismatch', 'FSP1', 'P', 'A', 'C')`,
    );

    await applyMigrations(url);

    const flagged = await client.query(`SELECT id, "paidOnCancelledOrder" AS flag, "payType" FROM "Payment"`);
    const byId = new Map(flagged.rows.map((row) => [row.id, row]));
    expect(byId.get(paidOnCancelled)).toMatchObject({ flag: true, payType: 'card' });
    expect(byId.get(pendingOnCancelled)).toMatchObject({ flag: false, payType: 'atm' });
    expect(byId.get(paidOnPaid)).toMatchObject({ flag: false, payType: 'card' });
    expect((await client.query(`SELECT DISTINCT "payType" FROM "Order" ORDER BY 1`)).rows.map((row) => row.payType)).toEqual(['atm', 'card']);
    // A letter the shop does not know stays as the bank wrote it.
    expect((await client.query(`SELECT "payType" FROM "SettlementLine" ORDER BY position`)).rows.map((row) => row.payType)).toEqual(['card', 'atm', 'X']);
    expect((await client.query(`SELECT "bankPayType", "shopPayType" FROM "SettlementDifference"`)).rows).toEqual([{ bankPayType: 'atm', shopPayType: 'card' }]);
  } finally {
    await client.end();
  }
});
