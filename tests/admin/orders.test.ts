// The order list's search, filters and pages, its CSV export, and one order's full record.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_BATCH } from '../../src/admin/orders';
import { DEMO_SHOP } from 'sinopac-sandbox';
import type { Order, OrderStatus, PaymentStatus, PayType } from '../../src/generated/prisma/client';
import { paidCardAttempt, signedIn, startAdminHarness, type AdminBrowser, type AdminHarness } from '../support/admin-harness';
import { createOrder, createProduct } from '../support/shop-fixtures';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

/** A marker no other test's orders contain, to search one test's orders only. */
const marker = () => `M${randomBytes(4).toString('hex').toUpperCase()}`;

interface OrderFields {
  number: string;
  email?: string;
  phone?: string;
  customerName?: string;
  status?: OrderStatus;
  payType?: PayType;
  createdAt?: Date;
  delivery?: Pick<Order, 'shippingTwd' | 'recipientName' | 'recipientPhone' | 'postcode' | 'city' | 'district' | 'street' | 'fulfilmentStatus' | 'carrier' | 'trackingNumber'>;
}

async function order(fields: OrderFields, attempts: Array<{ orderNo: string; tsNo?: string; status?: PaymentStatus }> = []): Promise<Order> {
  const product = await createProduct(h.db, { priceTwd: 880, stock: 5 });
  const created = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: fields.payType ?? 'card' });
  for (const attempt of attempts) {
    await h.db.payment.create({
      data: { orderId: created.id, payType: created.payType, amount: 88_000, status: attempt.status ?? 'pending', orderNo: attempt.orderNo, tsNo: attempt.tsNo ?? null },
    });
  }
  const { delivery, ...rest } = fields;
  return h.db.order.update({ where: { id: created.id }, data: { ...rest, ...delivery } });
}

async function listed(query: Record<string, string | number>): Promise<string[]> {
  const response = await admin.agent.get('/admin/orders').query(query);
  expect(response.status).toBe(200);
  return [...response.text.matchAll(/data-testid="admin-order-row" data-order-number="([^"]+)"/g)].map((m) => m[1]!);
}

describe('search', () => {
  it('finds an order by its number, in part and in any case', async () => {
    const m = marker();
    await order({ number: `${m}-A` });
    await order({ number: `${m}-B` });
    expect(await listed({ q: `${m}-a`.toLowerCase() })).toEqual([`${m}-A`]);
  });

  it('finds an order by its shopper\'s phone or name, Chinese or not, in part', async () => {
    const m = marker();
    const phone = `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await order({ number: `${m}-A`, phone, customerName: `林${m}美玲` });
    await order({ number: `${m}-B`, customerName: `Chen ${m} Wei` });
    expect(await listed({ q: phone.slice(2) })).toEqual([`${m}-A`]);
    expect(await listed({ q: `${m}美玲` })).toEqual([`${m}-A`]);
    expect(await listed({ q: `chen ${m.toLowerCase()}` })).toEqual([`${m}-B`]);
  });

  it('looks a whole order number, e-mail address or phone number up, in any case', async () => {
    const m = marker();
    const suffix = randomBytes(4).toString('hex').toUpperCase();
    const phone = `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await order({ number: `FS20260301${suffix}`, phone, email: `Whole.${m}@Example.TW` });
    await order({ number: `FS20260302${suffix}`, email: `${m}-other@example.tw` });
    expect(await listed({ q: `fs20260301${suffix.toLowerCase()}` })).toEqual([`FS20260301${suffix}`]);
    expect(await listed({ q: phone })).toEqual([`FS20260301${suffix}`]);
    expect(await listed({ q: `whole.${m.toLowerCase()}@example.tw` })).toEqual([`FS20260301${suffix}`]);
  });

  it('finds an order by the SinoPac OrderNo of any of its attempts', async () => {
    const m = marker();
    await order({ number: `${m}-A` }, [{ orderNo: `${m}FIRST1`, status: 'failed' }, { orderNo: `${m}SECOND`, status: 'paid' }]);
    await order({ number: `${m}-B` }, [{ orderNo: `${m}OTHER1` }]);
    expect(await listed({ q: `${m}FIRST1` })).toEqual([`${m}-A`]);
  });

  it('finds an order by TSNo', async () => {
    const m = marker();
    await order({ number: `${m}-A` }, [{ orderNo: `${m}X1`, tsNo: `TS${m}77` }]);
    await order({ number: `${m}-B` }, [{ orderNo: `${m}X2`, tsNo: `TS${m}88` }]);
    expect(await listed({ q: `TS${m}88` })).toEqual([`${m}-B`]);
  });

  it('finds an order by e-mail, in any case', async () => {
    const m = marker();
    await order({ number: `${m}-A`, email: `${m.toLowerCase()}@example.tw` });
    await order({ number: `${m}-B`, email: 'someone-else@example.tw' });
    expect(await listed({ q: `${m}@EXAMPLE.TW` })).toEqual([`${m}-A`]);
  });
});

describe('filters', () => {
  it('by order status', async () => {
    const m = marker();
    await order({ number: `${m}-PAID`, status: 'paid' });
    await order({ number: `${m}-WAIT`, status: 'awaiting_payment' });
    await order({ number: `${m}-REFUNDED`, status: 'refunded' });
    expect(await listed({ q: m, status: 'refunded' })).toEqual([`${m}-REFUNDED`]);
  });

  it('by payment method', async () => {
    const m = marker();
    await order({ number: `${m}-ATM`, payType: 'atm' });
    await order({ number: `${m}-CARD`, payType: 'card' });
    expect(await listed({ q: m, payType: 'atm' })).toEqual([`${m}-ATM`]);
  });

  it('by calendar days in Taipei, both ends included', async () => {
    const m = marker();
    // 23:59 and 00:00 Taipei, one minute apart across midnight of 2 March 2026.
    await order({ number: `${m}-MAR01`, createdAt: new Date('2026-03-01T15:59:00Z') });
    await order({ number: `${m}-MAR02`, createdAt: new Date('2026-03-01T16:00:00Z') });
    await order({ number: `${m}-MAR03`, createdAt: new Date('2026-03-03T15:59:59Z') });
    await order({ number: `${m}-MAR04`, createdAt: new Date('2026-03-03T16:00:00Z') });
    expect(await listed({ q: m, from: '2026-03-02', to: '2026-03-03' })).toEqual([`${m}-MAR03`, `${m}-MAR02`]);
    expect(await listed({ q: m, to: '2026-03-01' })).toEqual([`${m}-MAR01`]);
    expect(await listed({ q: m, from: '2026-03-04' })).toEqual([`${m}-MAR04`]);
  });

  it('refuses filters the form never sends', async () => {
    for (const query of [{ status: 'shipped' }, { payType: 'X' }, { from: '2026-02-30' }, { from: '2026-03-02', to: '2026-03-01' }, { after: '1~not-an-order' }]) {
      expect((await admin.agent.get('/admin/orders').query(query)).status).toBe(400);
    }
  });
});

describe('pages', () => {
  it('shows 25 orders a page, newest first, with a next-page link that keeps the filters and no count of every order', async () => {
    const m = marker();
    const start = Date.parse('2026-04-01T04:00:00Z');
    // Three orders share a creation time: the page boundary falls between them and neither is lost or shown twice.
    for (let i = 0; i < 27; i++) await order({ number: `${m}-${String(i).padStart(2, '0')}`, status: 'paid', createdAt: new Date(start + Math.max(i, 2) * 60_000) });

    const first = await admin.agent.get('/admin/orders').query({ q: m, status: 'paid' });
    const rows = [...first.text.matchAll(/data-order-number="([^"]+)"/g)].map((x) => x[1]);
    expect(rows).toHaveLength(25);
    expect(rows[0]).toBe(`${m}-26`);
    expect(first.text).toMatch(/data-testid="order-count">本頁 25 筆訂單, 還有更多訂單</);
    const next = /href="(\/admin\/orders\?q=[^"]+&amp;status=paid&amp;after=[^"]+)" rel="next"/.exec(first.text);
    expect(next).not.toBeNull();
    const second = await admin.agent.get(next![1]!.replaceAll('&amp;', '&'));
    const secondRows = [...second.text.matchAll(/data-order-number="([^"]+)"/g)].map((x) => x[1]);
    expect(secondRows).toHaveLength(2);
    expect(new Set([...rows, ...secondRows]).size).toBe(27);
    expect([...rows, ...secondRows].slice(-3).sort()).toEqual([`${m}-00`, `${m}-01`, `${m}-02`]);
    expect(second.text).not.toMatch(/after=[^"]+" rel="next"/);
  });

  it('pages a name many orders share, newest first, the others between them left out', async () => {
    const m = marker();
    const start = Date.parse('2026-04-02T04:00:00Z');
    // 30 orders of one name (a full page is found among the newest orders, the second page is not),
    // each followed by an order of another name.
    for (let i = 0; i < 30; i++) {
      await order({ number: `${m}-${String(i).padStart(2, '0')}`, customerName: `陳${m}怡君`, createdAt: new Date(start + i * 120_000) });
      await order({ number: `${m}-X${String(i).padStart(2, '0')}`, customerName: `林${m}美玲`, createdAt: new Date(start + i * 120_000 + 60_000) });
    }
    const first = await admin.agent.get('/admin/orders').query({ q: `陳${m}怡君` });
    const rows = [...first.text.matchAll(/data-order-number="([^"]+)"/g)].map((x) => x[1]);
    expect(rows).toEqual(Array.from({ length: 25 }, (_, i) => `${m}-${String(29 - i).padStart(2, '0')}`));
    const next = /href="(\/admin\/orders\?q=[^"]+&amp;after=[^"]+)" rel="next"/.exec(first.text);
    const second = await admin.agent.get(next![1]!.replaceAll('&amp;', '&'));
    const secondRows = [...second.text.matchAll(/data-order-number="([^"]+)"/g)].map((x) => x[1]);
    expect(secondRows).toEqual([`${m}-04`, `${m}-03`, `${m}-02`, `${m}-01`, `${m}-00`]);
  });

  it('lists the orders to ship oldest payment first, a page at a time', async () => {
    const m = marker();
    const start = Date.parse('2026-05-01T04:00:00Z');
    for (let i = 0; i < 26; i++) {
      const placed = await order({ number: `${m}-${String(i).padStart(2, '0')}`, status: 'paid' });
      await h.db.order.update({ where: { id: placed.id }, data: { paidAt: new Date(start - i * 60_000) } });
    }
    const page = await admin.agent.get('/admin/orders').query({ view: 'to_ship', q: m });
    const rows = [...page.text.matchAll(/data-order-number="([^"]+)"/g)].map((x) => x[1]);
    expect(rows[0]).toBe(`${m}-25`);
    const next = /href="([^"]+after=[^"]+)" rel="next"/.exec(page.text);
    const last = await admin.agent.get(next![1]!.replaceAll('&amp;', '&'));
    expect([...last.text.matchAll(/data-order-number="([^"]+)"/g)].map((x) => x[1])).toEqual([`${m}-00`]);
  });
});

describe('CSV export', () => {
  it('exports the filtered list for Excel: BOM, headings, CRLF, quoting, and no formulas', async () => {
    const m = marker();
    const delivery = {
      shippingTwd: 100, recipientName: '陳美玲', recipientPhone: '0987654321', postcode: '10609', city: '臺北市', district: '大安區', street: '復興南路一段 390 號',
      fulfilmentStatus: 'shipped', carrier: 'tcat', trackingNumber: '123456789012',
    } as const;
    await order({ number: `${m}-1`, customerName: '王, "小明"', email: `${m}@example.tw`, status: 'paid', delivery }, [{ orderNo: `${m}PAY1`, tsNo: 'NA000112345678', status: 'paid' }]);
    await order({ number: `${m}-2`, customerName: '=HYPERLINK("http://evil.example","x")', email: `+${m}@example.tw`, status: 'paid' });
    await order({ number: `${m}-3`, customerName: 'Not exported', status: 'expired' });

    const response = await admin.agent.get('/admin/orders.csv').query({ q: m, status: 'paid' }).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?orders-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      '訂單編號,建立時間,付款時間,訂購人,電子郵件,電話,付款方式,訂單狀態,金額（元）,已退款（元）,永豐 OrderNo,TSNo,付款狀態,'
      + '運費（元）,商品,收件人,收件人電話,收件地址,出貨狀態,物流業者,追蹤號碼',
    );
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith(`${m}-1,`))).toMatch(
      new RegExp(`^${m}-1,\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2},,"王, ""小明""",${m}@example.tw,0912345678,信用卡,已付款,880,0,${m}PAY1,NA000112345678,付款成功,`
        + `100,測試商品 [^,]+ ×1 @880,陳美玲,0987654321,10609 臺北市 大安區 復興南路一段 390 號,已出貨,黑貓宅急便,123456789012$`),
    );
    expect(rows.find((row) => row.startsWith(`${m}-2,`))).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",'+${m}@example.tw,`);
  });

  it('exports every matching order, batch after batch, each once', async () => {
    const m = marker();
    const count = EXPORT_BATCH * 2 + 7;
    await h.db.$executeRaw`
      INSERT INTO "Order" (id, number, "ownerToken", "customerName", email, phone, "payType", "totalTwd", status, "paidAt", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, ${m} || '-' || n, 'owner', '王小明', 'bulk@example.tw', '0912345678', 'card', 880, 'paid',
             now() - make_interval(mins => n % 50), now() - make_interval(mins => n % 50), now()
      FROM generate_series(1, ${count}::int) AS n`;
    const response = await admin.agent.get('/admin/orders.csv').query({ q: m });
    const numbers = response.text.split('\r\n').slice(1, -1).map((row) => row.split(',')[0]);
    expect(numbers).toHaveLength(count);
    expect(new Set(numbers).size).toBe(count);
  });

  it('uses the language of the page', async () => {
    const m = marker();
    await order({ number: `${m}-1`, status: 'paid' });
    const response = await admin.agent.get('/admin/orders.csv').query({ q: m, lang: 'en' });
    expect(response.text.split('\r\n')[0]).toBe(
      '\uFEFFOrder number,Created,Paid,Customer,E-mail,Phone,Payment method,Order status,Total (TWD),Refunded (TWD),SinoPac OrderNo,TSNo,Payment status,'
      + 'Shipping (TWD),Items,Recipient,Recipient phone,Delivery address,Fulfilment status,Carrier,Tracking number',
    );
    expect(response.text.split('\r\n')[1]).toContain(',Credit card,Paid,');
  });
});

describe('an order\'s record', () => {
  it('shows every attempt with its PayTokens, state changes and bank exchanges, without secrets', async () => {
    const { order: paidOrder, payment } = await paidCardAttempt(h);
    await h.audit.flush();

    const page = await admin.agent.get(`/admin/orders/${paidOrder.id}?lang=zh-TW`);

    expect(page.status).toBe(200);
    expect(page.text).toContain(payment.orderNo);
    expect(page.text).toContain(payment.tsNo!);
    const token = await h.db.payToken.findFirstOrThrow({ where: { paymentId: payment.id } });
    expect(page.text).toContain(token.token);
    expect(page.text.match(/data-testid="payment-event"/g)).toHaveLength(2); // creating → pending → paid
    expect(page.text).toContain('等待付款 → 付款成功');
    const services = [...page.text.matchAll(/<tr data-testid="exchange">\s*<td>[^<]*<\/td>\s*<td>(\w+)<\/td>/g)].map((x) => x[1]);
    expect(services).toEqual(['OrderCreate', 'OrderPayQuery']);
    expect(page.text).toContain('&quot;OrderNo&quot;: &quot;' + payment.orderNo);
    for (const secret of Object.values(DEMO_SHOP.hashKeys)) expect(page.text).not.toContain(secret);
    expect(page.text).not.toMatch(/&quot;(Nonce|Sign|HashID)&quot;/);
  });

  it('shows where the order goes and its shipping fee', async () => {
    const m = marker();
    const placed = await order({ number: `${m}-ADDR` });
    await h.db.order.update({
      where: { id: placed.id },
      data: { recipientName: '陳美玲', recipientPhone: '0987654321', postcode: '10609', city: '臺北市', district: '大安區', street: '復興南路一段 390 號', shippingTwd: 100 },
    });

    const page = await admin.agent.get(`/admin/orders/${placed.id}?lang=zh-TW`);

    expect(page.text).toMatch(/data-testid="delivery-address">陳美玲 0987654321<br>10609 臺北市大安區復興南路一段 390 號</);
    expect(page.text).toMatch(/運費<\/span><span class="amount">NT\$100</);
  });

  it('answers 404 for an order that does not exist', async () => {
    expect((await admin.agent.get('/admin/orders/1b0f6f8e-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await admin.agent.get('/admin/orders/not-a-uuid')).status).toBe(404);
  });
});
