// The e-invoice setting reaches checkout in the real shop (src/main.ts → run-shop.ts → createApp):
// with EINVOICE=off checkout says no invoice is issued and asks nothing; with a provider configured
// it asks where the invoice goes and checks a typed mobile barcode with the provider.
import { DEMO_SHOP, silentLogger, startSandbox, type RunningSandbox } from 'sinopac-sandbox';
import { startEinvoiceSandbox, STAGE_MERCHANT, UNREGISTERED_BARCODES, type RunningEinvoiceSandbox } from 'ecpay-einvoice-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxBankEnv, startShopProcess, type ShopProcess } from '../support/shop-process';
import { CUSTOMER, Shopper } from '../support/shop-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the e-invoice setting in a running shop', () => {
  const databases: TestDatabase[] = [];
  let bank: RunningSandbox;
  let simulator: RunningEinvoiceSandbox;
  let off: ShopProcess;
  let on: ShopProcess;

  beforeAll(async () => {
    bank = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
    simulator = await startEinvoiceSandbox({ port: 0, logger: { info() {}, warn() {}, error() {} } });
    databases.push(await createTestDatabase(), await createTestDatabase());
    const common = { PORT: '0', LOG_LEVEL: 'warn', ...sandboxBankEnv(bank.apiUrl), BANK_CHECK_AFTER_MINUTES: '1440' };
    [off, on] = await Promise.all([
      startShopProcess({ ...common, DATABASE_URL: databases[0]!.url, EINVOICE: 'off' }),
      startShopProcess({
        ...common, DATABASE_URL: databases[1]!.url, EINVOICE_API_URL: simulator.apiUrl,
        EINVOICE_MERCHANT_ID: STAGE_MERCHANT.merchantId, EINVOICE_HASH_KEY: STAGE_MERCHANT.hashKey, EINVOICE_HASH_IV: STAGE_MERCHANT.hashIV,
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([off?.stop(), on?.stop()]);
    await simulator?.close();
    await bank?.close();
    for (const database of databases) await database.drop();
  });

  async function atCheckout(shop: ShopProcess, db: TestDatabase): Promise<Shopper> {
    const product = await db.db.product.findFirstOrThrow({ where: { status: 'active' }, orderBy: { id: 'asc' } });
    const shopper = new Shopper(shop.baseUrl);
    await shopper.addToCart(product.id, 1);
    return shopper;
  }

  it('with EINVOICE=off: says no invoices are issued and stores no choice', async () => {
    const shopper = await atCheckout(off, databases[0]!);
    const page = await shopper.agent.get('/checkout');
    expect(page.text).toContain('data-testid="einvoice-off"');
    expect(page.text).not.toContain('name="invoiceRecipient"');
    const res = await shopper.checkout({ ...CUSTOMER, payType: 'atm' });
    expect(res.status).toBe(303);
    expect(await databases[0]!.db.order.findFirstOrThrow({ select: { invoiceRecipient: true } })).toEqual({ invoiceRecipient: null });
  });

  it('with a provider: asks, and checks a typed mobile barcode with it', async () => {
    const shopper = await atCheckout(on, databases[1]!);
    expect((await shopper.agent.get('/checkout')).text).toContain('name="invoiceRecipient"');
    const res = await shopper.checkout({ payType: 'atm', invoiceRecipient: 'mobile_barcode', invoiceBarcode: UNREGISTERED_BARCODES[0]! });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="error-invoiceBarcode"');
  });
});
