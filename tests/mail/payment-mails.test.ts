// The e-mails of a whole payment, as the running shop sends them: the attempt and the settle write
// their outbox rows, the commit kicks the job queue's drain, and the mails arrive at the sandbox's
// mail catcher over SMTP, once each, however often the bank repeats itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, type JobQueue } from '../../src/jobs/job-queue';
import { createLogger } from '../../src/logger';
import { drainMailOutbox, MAIL_OUTBOX_JOB, mailJobs } from '../../src/mail/deliver';
import type { ChannelListener } from '../../src/db/channel-listener';
import { listenForOutbox } from '../../src/mail/outbox';
import type { MailCatcher } from 'sinopac-sandbox';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { eventually, SESSION_SECRET, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie, placeOrder } from '../payments/payment-flow-helpers';

let catcher: MailCatcher;
let shop: ShopHarness;
let jobs: JobQueue;
let wakeup: ChannelListener;

beforeAll(async () => {
  catcher = await startCatcher();
  shop = await startShopHarness({ mailbox: catcher });
  const logger = createLogger('silent');
  // Slots an hour apart: only the kicks after each commit can explain a mail arriving within seconds.
  jobs = createJobQueue({
    databaseUrl: shop.databaseUrl,
    logger,
    everySeconds: 3600,
    pollingIntervalSeconds: 0.5,
    jobs: mailJobs(deliveryDeps(shop.db, { catcher, publicBaseUrl: shop.baseUrl, linkSecret: SESSION_SECRET })),
  });
  await jobs.start();
  wakeup = await listenForOutbox({ databaseUrl: shop.databaseUrl, logger, onWake: () => void jobs.kick(MAIL_OUTBOX_JOB) });
});
afterAll(async () => {
  await wakeup.close();
  await jobs.stop();
  await shop.close();
  closeSenders();
  await catcher.close();
});

const control = () => shop.sandbox.sandbox.control;
const mailsAbout = (orderNumber: string) => catcher.mails().filter((mail) => mail.subject.includes(orderNumber));

describe('the e-mails of an ATM payment', () => {
  it('sends the confirmation with the account when the attempt starts, and one receipt when paid, though the bank notifies ten times', async () => {
    const { order, payment } = await placeOrder(shop, 'atm');

    const [confirmation] = await eventually(async () => mailsAbout(order.number).length === 1 && mailsAbout(order.number), 10_000);
    expect(confirmation!.subject).toContain('已成立');
    expect(confirmation!.text).toContain(payment.atmPayNo!.replace(/(\d{4})(?=\d)/g, '$1 '));

    control().setOrderFaults({ orderNo: payment.orderNo }, { duplicate: 4 });
    control().pay({ orderNo: payment.orderNo });
    await eventually(async () => control().deliveries({ orderNo: payment.orderNo }).length === 5);
    control().resendNotification({ orderNo: payment.orderNo });
    await eventually(async () => control().deliveries({ orderNo: payment.orderNo }).length === 10);
    await eventually(async () => mailsAbout(order.number).length === 2, 10_000);
    // A last pass finds nothing more to send.
    const lastPass = await drainMailOutbox(deliveryDeps(shop.db, { catcher, publicBaseUrl: shop.baseUrl, linkSecret: SESSION_SECRET }));
    expect(lastPass.sent).toBe(0);

    const mails = mailsAbout(order.number);
    expect(mails.map((mail) => mail.subject)).toEqual([`【豐收商店】訂單 ${order.number} 已成立`, `【豐收商店】訂單 ${order.number} 已收到款項`]);
    expect(await shop.db.mailOutbox.count({ where: { orderId: order.id } })).toBe(2);
  });

  it('shows the caught mails on the sandbox console', async () => {
    const { order, payment } = await placeOrder(shop, 'atm');
    const mail = await eventually(async () => mailsAbout(order.number)[0], 10_000);

    const list = await (await fetch(`${shop.sandbox.origin}/console/mail`)).text();
    const page = await (await fetch(`${shop.sandbox.origin}/console/mail/${mail.id}`)).text();
    const html = await fetch(`${shop.sandbox.origin}/console/mail/${mail.id}/html`);

    expect(list).toContain(order.number);
    expect(page).toContain(payment.atmPayNo!.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(page).toContain(order.email);
    expect(await html.text()).toContain(order.number);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it("opens the order from the mail's link in a browser that never saw it", async () => {
    const { order } = await placeOrder(shop, 'atm');
    const mail = await eventually(async () => mailsAbout(order.number)[0], 10_000);
    const link = /https?:\/\/\S+\/open\?\S+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();

    // The link's page writes nothing: its button posts the link's fields, with the page's CSRF token.
    const linkPage = await fetch(link!, { redirect: 'manual' });
    expect(linkPage.status).toBe(200);
    expect(await shop.db.orderAccess.count({ where: { orderId: order.id } })).toBe(0);
    const html = await linkPage.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
    const csrfCookie = linkPage.headers.getSetCookie().find((line) => line.startsWith('fengshou.csrf='))!.split(';')[0]!;
    const opened = await fetch(new URL(`/orders/${order.id}/open`, link!), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookie },
      body: new URLSearchParams({ _csrf: field('_csrf'), until: field('until'), sig: field('sig') }),
    });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`/orders/${order.id}`);
    const cookie = opened.headers.getSetCookie().find((line) => line.startsWith('fengshou.sid='))!.split(';')[0]!;
    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);

    expect(page.status).toBe(200);
    expect(page.text).toContain(order.number);
  });
});
