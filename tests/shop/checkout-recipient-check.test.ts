// Checkout asks the e-invoice provider (ECPay, here its local simulator) whether a typed mobile
// barcode or donation code exists: a clear "no" is named at the field, while an outage, a refusal
// of the question or a slow answer never stops the order.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEinvoiceSandbox, STAGE_MERCHANT, UNREGISTERED_BARCODES, type RunningEinvoiceSandbox } from 'ecpay-einvoice-sandbox';
import type { Product } from '../../src/generated/prisma/client';
import { EcpayProvider } from '../../src/einvoice/ecpay/ecpay-provider';
import { RECIPIENT_CHECK_TIMEOUT_MS } from '../../src/checkout/invoice-recipient-check';
import { Shopper, startShopApp, type CheckoutDetails, type ShopApp } from '../support/shop-app';

const quiet = { info() {}, warn() {}, error() {} };

describe('the provider check of a mobile barcode or donation code at checkout', () => {
  let einvoice: RunningEinvoiceSandbox;
  let shop: ShopApp;
  let tea: Product;
  beforeAll(async () => {
    einvoice = await startEinvoiceSandbox({ port: 0, logger: quiet });
    const provider = new EcpayProvider({
      apiUrl: einvoice.apiUrl, merchantId: STAGE_MERCHANT.merchantId, hashKey: STAGE_MERCHANT.hashKey, hashIV: STAGE_MERCHANT.hashIV,
      // Longer than checkout waits, so that a slow answer is checkout's own timeout at work.
      timeoutMs: RECIPIENT_CHECK_TIMEOUT_MS * 3, clock: () => new Date(),
    });
    shop = await startShopApp({}, { invoiceRecipientChecks: provider });
    tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
  });
  afterEach(() => {
    einvoice.control.setFaults({});
  });
  afterAll(async () => {
    await shop?.close();
    await einvoice?.close();
  });

  async function checkout(details: Partial<CheckoutDetails>) {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 1);
    return shopper.checkout({ payType: 'atm', ...details });
  }
  const lastOrder = () => shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' }, select: { invoiceCarrierNumber: true, invoiceDonationCode: true } });

  it('names a mobile barcode the tax office does not know, keeping it in the field', async () => {
    const unknown = UNREGISTERED_BARCODES[0]!;
    const res = await checkout({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: unknown });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="error-invoiceBarcode">查無這組手機條碼，請再核對一次。</div>');
    expect(res.text).toContain(`value="${unknown}"`);
  });

  it('takes a mobile barcode the tax office knows', async () => {
    const res = await checkout({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: '/ABC+123' });
    expect(res.status).toBe(303);
    expect(await lastOrder()).toMatchObject({ invoiceCarrierNumber: '/ABC+123' });
  });

  it('names a typed donation code no charity has, and takes one a charity has', async () => {
    const unknown = await checkout({ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: '1234567' });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('data-testid="error-invoiceDonationCode">查無這組捐贈碼，請再核對一次。</div>');
    const known = await checkout({ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: '25885' });
    expect(known.status).toBe(303);
    expect(await lastOrder()).toMatchObject({ invoiceDonationCode: '25885' });
  });

  it('takes the code when the tax office is down (9000001) or the provider is rate-limiting', async () => {
    einvoice.control.setFaults({ rtnCode: { op: 'CheckBarcode', code: 9000001 } });
    expect((await checkout({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: UNREGISTERED_BARCODES[0]! })).status).toBe(303);
    einvoice.control.setFaults({ rateLimit: {} });
    expect((await checkout({ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: '1234567' })).status).toBe(303);
    expect(await lastOrder()).toMatchObject({ invoiceDonationCode: '1234567' });
  });

  it('takes the code when the provider answers later than checkout waits', async () => {
    einvoice.control.setFaults({ delay: { op: 'CheckBarcode', ms: RECIPIENT_CHECK_TIMEOUT_MS * 2 } });
    const started = Date.now();
    const res = await checkout({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: UNREGISTERED_BARCODES[0]! });
    expect(res.status).toBe(303);
    expect(Date.now() - started).toBeLessThan(RECIPIENT_CHECK_TIMEOUT_MS * 2);
  });
});
