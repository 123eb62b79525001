// The "on its way" e-mail across two real shop processes (src/main.ts) on one database, each with
// its own back-office session and its own outbox drain: the merchant ships one order from both at
// the same moment (two people, or a double submit through a load balancer). One shipment is
// applied, one outbox row written, and the shopper gets exactly one mail, sent by one of the two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAdminPassword } from '../../src/admin/sign-in';
import type { Database } from '../../src/db/prisma';
import { DEMO_SHOP, startSandbox, type MailCatcher, type RunningSandbox, silentLogger } from 'sinopac-sandbox';
import { AdminBrowser } from '../support/admin-harness';
import { startCatcher } from '../support/mail-harness';
import { createOrder, createProduct } from '../support/shop-fixtures';
import { eventually } from '../support/shop-harness';
import { sandboxBankEnv, startShopProcess, type ShopProcess } from '../support/shop-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const USERNAME = 'merchant';
const PASSWORD = 'two-servers-one-parcel-2026';

let testDb: TestDatabase;
let db: Database;
let sandbox: RunningSandbox;
let catcher: MailCatcher;
let shops: ShopProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  sandbox = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
  catcher = await startCatcher();
  await createProduct(db, { priceTwd: 100, stock: 1 });
  const env = {
    DATABASE_URL: testDb.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    ...sandboxBankEnv(sandbox.apiUrl),
    BANK_CHECK_AFTER_MINUTES: '1440',
    SMTP_URL: catcher.url,
    ADMIN_USERNAME: USERNAME,
    ADMIN_PASSWORD_HASH: await hashAdminPassword(PASSWORD, { N: 1024, r: 8, p: 1 }),
  };
  shops = await Promise.all([startShopProcess(env), startShopProcess(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(shops.map((shop) => shop.stop()));
  await catcher?.close();
  await sandbox?.close();
  await testDb?.drop();
});

describe('the "on its way" e-mail from two shop processes', () => {
  it('is sent exactly once when both ship the same order at once', { timeout: 60_000 }, async () => {
    const product = await createProduct(db, { priceTwd: 880, stock: 5 });
    const created = await createOrder(db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const order = await db.order.update({ where: { id: created.id }, data: { status: 'paid', paidAt: new Date(), locale: 'en' } });

    const merchants = shops.map((shop) => new AdminBrowser(shop.baseUrl));
    for (const merchant of merchants) expect((await merchant.login(USERNAME, PASSWORD)).status).toBe(303);
    const tokens = await Promise.all(merchants.map((merchant) => merchant.csrfToken()));
    const answers = await Promise.all(
      merchants.map((merchant, i) =>
        merchant.agent.post(`/admin/orders/${order.id}/ship`).type('form').send({ _csrf: tokens[i], carrier: 'tcat', trackingNumber: `TWO-SHOPS-${i}` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);

    // Each process drains the outbox as soon as a commit wrote a row: wait until the row is sent.
    const row = await eventually(async () => {
      const rows = await db.mailOutbox.findMany({ where: { orderId: order.id } });
      return rows.length === 1 && rows[0]!.sentAt ? rows[0] : undefined;
    }, 30_000);
    expect(row!.kind).toBe('order_shipped');
    const shipped = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { fulfilmentEvents: true } });
    expect(shipped.fulfilmentEvents).toHaveLength(1);
    expect(await db.merchantAction.count({ where: { action: 'shipment', subject: order.number } })).toBe(1);
    const mails = catcher.mails().filter((mail) => mail.subject.includes(order.number));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(shipped.trackingNumber!);
    expect(mails[0]!.subject).toBe(`Fengshou Shop: order ${order.number} is on its way`);
  });
});
