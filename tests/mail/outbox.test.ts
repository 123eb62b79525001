// The outbox under failure: exactly one mail per order and kind, a crashed sender's rows sent again
// after their lease, a row marked sent never sent again, retries that back off, and a permanent
// refusal given up. Real SMTP over loopback to the sandbox's mail catcher.
import { SMTPServer } from 'smtp-server';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Order, Payment } from '../../src/generated/prisma/client';
import { DEFAULT_DELIVERY, deliverClaimed, drainMailOutbox } from '../../src/mail/deliver';
import { claimDueMail, enqueueMail, listenForOutbox, messageIdFor } from '../../src/mail/outbox';
import { composeMail } from '../../src/mail/mail-content';
import type { MailCatcher } from 'sinopac-sandbox';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually } from '../support/shop-harness';
import { createLogger } from '../../src/logger';
import { createSmtpSender } from '../../src/mail/sender';
import { closeSenders, deliveryDeps, MAIL_FROM, renderMail, smtpSender, startCatcher } from '../support/mail-harness';

let testDb: TestDatabase;
let catcher: MailCatcher;

beforeAll(async () => {
  testDb = await createTestDatabase();
  catcher = await startCatcher();
});
afterAll(async () => {
  closeSenders();
  await catcher.close();
  await testDb.drop();
});

const SETTINGS = { ...DEFAULT_DELIVERY, leaseMs: 60_000, retryDelayMs: 1_000, maxRetryDelayMs: 8_000, maxAttempts: 4 };
const at = (base: Date, ms: number) => () => new Date(base.getTime() + ms);

async function atmOrder(): Promise<{ order: Order; payment: Payment }> {
  const product = await createProduct(testDb.db, { priceTwd: 450, stock: 10, nameZh: '台東釋迦' });
  const order = await createOrder(testDb.db, { lines: [{ product, quantity: 2 }], payType: 'atm' });
  const payment = await createPayment(testDb.db, order, 'pending');
  const updated = await testDb.db.payment.update({
    where: { id: payment.id },
    data: { atmPayNo: '98765432101234', atmBankCode: '807', atmDeadline: new Date('2026-12-03T15:59:59Z') },
  });
  return { order, payment: updated };
}

async function enqueue(orderId: string, paymentId: string, kind: 'order_placed' | 'payment_received' = 'order_placed') {
  return testDb.db.$transaction((tx) => enqueueMail(tx, { orderId, kind, paymentId }));
}

const mailsTo = (orderNumber: string) => catcher.mails().filter((mail) => mail.subject.includes(orderNumber));

// A TCP relay in front of the catcher, so a test can cut the sender's pooled connection and keep
// the server away for a while, as a restarting mail server would.
async function startRelay(target: MailCatcher) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Cuts every connection and refuses new ones. */
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    start: () => listen(port),
  };
}

describe('the mail outbox', () => {
  beforeEach(async () => {
    // Rows of earlier tests must not be sent by this test's drain.
    await testDb.db.mailOutbox.updateMany({ where: { sentAt: null, gaveUpAt: null }, data: { gaveUpAt: new Date() } });
  });

  it('sends the order confirmation over SMTP with the ATM account, bank code, amount and Taipei deadline, in text and HTML', async () => {
    const { order, payment } = await atmOrder();
    await enqueue(order.id, payment.id);

    const report = await drainMailOutbox(deliveryDeps(testDb.db, { catcher }), SETTINGS);

    expect(report.sent).toBe(1);
    const [mail] = mailsTo(order.number);
    expect(mail).toBeDefined();
    expect(mail!.envelopeTo).toEqual([order.email]);
    expect(mail!.subject).toBe(`【豐收商店】訂單 ${order.number} 已成立`);
    for (const part of [mail!.text, mail!.html!]) {
      expect(part).toContain('9876 5432 1012 34');
      expect(part).toContain('807');
      expect(part).toContain('NT$900');
      expect(part).toMatch(/2026\/12\/03\s23:59/);
      expect(part).toContain('台東釋迦 × 2');
      expect(part).toContain('https://shop.example/orders/');
    }
    const row = await testDb.db.mailOutbox.findFirstOrThrow({ where: { orderId: order.id } });
    expect(mail!.messageId).toBe(messageIdFor(row, MAIL_FROM));
    expect(mail!.messageId).toBe(`<${row.id}@shop.example>`);
    expect(row.sentAt).not.toBeNull();
  });

  it("writes the mail in the order's language", async () => {
    const { order, payment } = await atmOrder();
    await testDb.db.order.update({ where: { id: order.id }, data: { locale: 'en' } });
    await enqueue(order.id, payment.id, 'payment_received');

    await drainMailOutbox(deliveryDeps(testDb.db, { catcher }), SETTINGS);

    const [mail] = mailsTo(order.number);
    expect(mail!.subject).toBe(`Fengshou Shop: payment received for order ${order.number}`);
    expect(mail!.text).toContain('We have received your payment');
    expect(mail!.html).toContain('lang="en"');
  });

  it('owes one mail per order and kind, however often the change is replayed, and sends it once', async () => {
    const { order, payment } = await atmOrder();
    const written = [await enqueue(order.id, payment.id), await enqueue(order.id, payment.id), await enqueue(order.id, payment.id)];
    expect(written).toEqual([true, false, false]);

    const deps = deliveryDeps(testDb.db, { catcher });
    await Promise.all([drainMailOutbox(deps, SETTINGS), drainMailOutbox(deps, SETTINGS), drainMailOutbox(deps, SETTINGS)]);
    await drainMailOutbox(deps, SETTINGS);

    expect(mailsTo(order.number)).toHaveLength(1);
  });

  it('writes no row when the change that owes it rolls back', async () => {
    const { order, payment } = await atmOrder();
    await expect(
      testDb.db.$transaction(async (tx) => {
        await enqueueMail(tx, { orderId: order.id, kind: 'order_placed', paymentId: payment.id });
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');
    expect(await testDb.db.mailOutbox.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('sends a row claimed by a sender that crashed, once its lease has run out, and only then', async () => {
    const { order, payment } = await atmOrder();
    await enqueue(order.id, payment.id);
    const now = new Date();
    // A sender claims the row and dies before sending: nothing marks it.
    const [claimed] = await claimDueMail(testDb.db, now, SETTINGS);
    expect(claimed?.orderId).toBe(order.id);

    const duringLease = await drainMailOutbox(deliveryDeps(testDb.db, { catcher, clock: at(now, SETTINGS.leaseMs - 1_000) }), SETTINGS);
    expect(duringLease.sent).toBe(0);
    expect(mailsTo(order.number)).toHaveLength(0);

    const afterLease = await drainMailOutbox(deliveryDeps(testDb.db, { catcher, clock: at(now, SETTINGS.leaseMs + 1_000) }), SETTINGS);
    expect(afterLease.sent).toBe(1);
    expect(mailsTo(order.number)).toHaveLength(1);
    const row = await testDb.db.mailOutbox.findFirstOrThrow({ where: { orderId: order.id } });
    expect(row.attempts).toBe(2);
  });

  it('does not send a row a second time once another sender has sent and marked it', async () => {
    const { order, payment } = await atmOrder();
    await enqueue(order.id, payment.id);
    const now = new Date();
    const [slow] = await claimDueMail(testDb.db, now, SETTINGS);
    // The slow sender outlives its lease; another takes the row over, sends and marks it.
    const later = at(now, SETTINGS.leaseMs + 1_000);
    await drainMailOutbox(deliveryDeps(testDb.db, { catcher, clock: later }), SETTINGS);
    expect(mailsTo(order.number)).toHaveLength(1);

    const outcome = await deliverClaimed(deliveryDeps(testDb.db, { catcher, clock: later }), SETTINGS, slow!);

    expect(outcome).toBe('skipped');
    expect(mailsTo(order.number)).toHaveLength(1);
  });

  it('resends a mail whose sender crashed after the server accepted it, under the same Message-ID', async () => {
    const { order, payment } = await atmOrder();
    await enqueue(order.id, payment.id);
    const now = new Date();
    const [claimed] = await claimDueMail(testDb.db, now, SETTINGS);
    // The sender's message is accepted by the server, and its process dies before it marks the row.
    const { to, view } = await composeMail(deliveryDeps(testDb.db, { catcher }), claimed!);
    await smtpSender(catcher.url).send({ from: MAIL_FROM, to, ...renderMail('order_placed', view), messageId: messageIdFor(claimed!, MAIL_FROM) });

    await drainMailOutbox(deliveryDeps(testDb.db, { catcher, clock: at(now, SETTINGS.leaseMs + 1_000) }), SETTINGS);

    const mails = mailsTo(order.number);
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(1);
  });

  it('retries a failed send later and later, then gives up', async () => {
    const { order, payment } = await atmOrder();
    await enqueue(order.id, payment.id);
    const nowhere = smtpSender('smtp://127.0.0.1:1');
    const start = new Date();
    const waits: number[] = [];
    let clock = start;
    for (let attempt = 1; attempt <= SETTINGS.maxAttempts; attempt++) {
      const report = await drainMailOutbox(deliveryDeps(testDb.db, { sender: nowhere, clock: () => clock }), SETTINGS);
      const row = await testDb.db.mailOutbox.findFirstOrThrow({ where: { orderId: order.id } });
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toMatch(/ECONNREFUSED/);
      if (attempt < SETTINGS.maxAttempts) {
        expect(report.retrying).toBe(1);
        waits.push(row.nextAttemptAt.getTime() - clock.getTime());
        // Not due before its time.
        const early = await drainMailOutbox(deliveryDeps(testDb.db, { sender: nowhere, clock: () => new Date(row.nextAttemptAt.getTime() - 1) }), SETTINGS);
        expect(early.retrying + early.gaveUp).toBe(0);
        clock = row.nextAttemptAt;
      } else {
        expect(report.gaveUp).toBe(1);
        expect(row.gaveUpAt).not.toBeNull();
      }
    }
    expect(waits).toEqual([1_000, 2_000, 4_000]);
  });

  it('retries a mail whose pooled connection broke, and sends it once the server is back', async () => {
    const relay = await startRelay(catcher);
    let later: Date | undefined;
    const deps = deliveryDeps(testDb.db, { sender: smtpSender(relay.url), clock: () => later ?? new Date() });
    const first = await atmOrder();
    await enqueue(first.order.id, first.payment.id);
    expect((await drainMailOutbox(deps, SETTINGS)).sent).toBe(1);

    // The server goes away, taking the pool's open connection with it.
    await relay.stop();
    const second = await atmOrder();
    await enqueue(second.order.id, second.payment.id);
    const whileDown = await drainMailOutbox(deps, SETTINGS);
    expect(whileDown.retrying).toBe(1);
    const row = await testDb.db.mailOutbox.findFirstOrThrow({ where: { orderId: second.order.id } });
    expect(row.sentAt).toBeNull();
    expect(mailsTo(second.order.number)).toHaveLength(0);

    await relay.start();
    later = row.nextAttemptAt;
    expect((await drainMailOutbox(deps, SETTINGS)).sent).toBe(1);
    expect(mailsTo(second.order.number)).toHaveLength(1);
    expect(mailsTo(first.order.number)).toHaveLength(1);
    await relay.stop();
  });

  it('gives a mail up at once when the server refuses it for good', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const sender = createSmtpSender(`smtp://127.0.0.1:${(refusing.server.address() as AddressInfo).port}`);
    try {
      const { order, payment } = await atmOrder();
      await enqueue(order.id, payment.id);

      const report = await drainMailOutbox(deliveryDeps(testDb.db, { sender }), SETTINGS);

      expect(report.gaveUp).toBe(1);
      const row = await testDb.db.mailOutbox.findFirstOrThrow({ where: { orderId: order.id } });
      expect(row.gaveUpAt).not.toBeNull();
      expect(row.lastError).toContain('550');
    } finally {
      sender.close();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it('wakes the drain when the transaction that wrote a row commits, not before', async () => {
    const { order, payment } = await atmOrder();
    let wakes = 0;
    const wakeup = await listenForOutbox({ databaseUrl: testDb.url, logger: createLogger('silent'), onWake: () => wakes++ });
    try {
      await eventually(async () => wakes === 1); // the wake-up on connecting, for rows written unheard
      let commit!: () => void;
      const committing = testDb.db.$transaction(async (tx) => {
        await enqueueMail(tx, { orderId: order.id, kind: 'order_placed', paymentId: payment.id });
        await new Promise<void>((resolve) => (commit = resolve));
      });
      await eventually(async () => commit !== undefined);
      // A row committed after the open one was written wakes the drain after anything the open
      // one could have sent: once it has, the open row has had every chance to wake it too.
      const later = await atmOrder();
      await testDb.db.$transaction((tx) => enqueueMail(tx, { orderId: later.order.id, kind: 'order_placed', paymentId: later.payment.id }));
      await eventually(async () => wakes === 2);
      expect(wakes).toBe(2);

      commit();
      await committing;

      await eventually(async () => wakes === 3);
    } finally {
      await wakeup.close();
    }
  });

  it('does not wake the drain for a held mail, which the scheduled pass sends once it falls due', async () => {
    const held = await atmOrder();
    const due = await atmOrder();
    let wakes = 0;
    const wakeup = await listenForOutbox({ databaseUrl: testDb.url, logger: createLogger('silent'), onWake: () => wakes++ });
    try {
      await eventually(async () => wakes === 1); // the wake-up on connecting
      await testDb.db.$transaction((tx) => enqueueMail(tx, { orderId: held.order.id, kind: 'order_placed', paymentId: held.payment.id, holdMinutes: 31 }));
      // The mail due at once, written after the held one, wakes the drain: the held one has had its chance by then.
      await testDb.db.$transaction((tx) => enqueueMail(tx, { orderId: due.order.id, kind: 'order_placed', paymentId: due.payment.id }));
      await eventually(async () => wakes === 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(wakes).toBe(2);
    } finally {
      await wakeup.close();
    }
  });

  it('never puts card data in a mail', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 300, stock: 5 });
    const order = await createOrder(testDb.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const payment = await createPayment(testDb.db, order, 'paid');
    await testDb.db.payment.update({ where: { id: payment.id }, data: { cardLast4: '3145', payDate: new Date() } });
    await enqueue(order.id, payment.id, 'payment_received');

    await drainMailOutbox(deliveryDeps(testDb.db, { catcher }), SETTINGS);

    const [mail] = mailsTo(order.number);
    expect(mail!.raw).not.toContain('3145');
    expect(mail!.text).toContain('NT$300');
  });
});
