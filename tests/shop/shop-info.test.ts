// The pages a shopper checks before trusting the shop (terms, returns, privacy, contact), the
// merchant's settings that fill them, and their links from every page, checkout and every e-mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { MailOutbox } from '../../src/generated/prisma/client';
import { composeMail } from '../../src/mail/mail-content';
import { createOrderLinks } from '../../src/orders/order-link';
import { AdminBrowser, cardAttempt, hiddenField, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { renderMail } from '../support/mail-harness';
import { Shopper } from '../support/shop-app';

let h: AdminHarness;
let admin: AdminBrowser;
beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

const page = (path: string) => request(h.app).get(path);

async function settingsForm() {
  const form = await admin.agent.get('/admin/settings');
  expect(form.status).toBe(200);
  const values: Record<string, string> = { _csrf: hiddenField(form.text, '_csrf') };
  for (const [, name, value] of form.text.matchAll(/name="(contact\w+)" value="([^"]*)"/g)) values[name!] = value!;
  for (const [, name, value] of form.text.matchAll(/name="(\w+(?:Zh|En))" rows="\d+">([\s\S]*?)<\/textarea>/g)) {
    values[name!] = value!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  }
  return values;
}

describe('the shop information pages', () => {
  it('exist in both languages with the defaults a Taiwanese shopper expects', async () => {
    const returns = await page('/returns');
    expect(returns.status).toBe(200);
    expect(returns.text).toContain('消費者保護法第 19 條');
    expect(returns.text).toContain('七天內');
    const privacy = await page('/privacy');
    expect(privacy.text).toContain('個人資料保護法第 8 條');
    expect(privacy.text).toContain('蒐集目的');
    expect((await page('/terms')).text).toContain('服務條款');
    expect((await page('/returns?lang=en')).text).toContain('Consumer Protection Act');
    expect((await page('/privacy?lang=en')).text).toContain('Personal Data Protection Act');
    const contact = await page('/contact?lang=en');
    expect(contact.status).toBe(200);
    expect(contact.text).toContain('data-testid="contact-name">豐收商店 Fengshou Shop<');
  });

  it('are linked from the footer of every shop page and from checkout', async () => {
    for (const path of ['/', '/cart', '/orders/lookup', '/terms']) {
      const text = (await page(path)).text;
      for (const link of ['/contact', '/returns', '/terms', '/privacy']) expect(text, `${path} links ${link}`).toContain(`href="${link}"`);
    }
    const shopper = new Shopper(h.app);
    const product = await h.db.product.findFirstOrThrow({ where: { slug: 'alishan-oolong' } });
    await shopper.addToCart(product.id, 1);
    const checkout = await shopper.agent.get('/checkout');
    expect(checkout.text).toMatch(/data-testid="checkout-policies">[^]*href="\/terms"[^]*href="\/returns"[^]*href="\/privacy"/);
  });
});

describe("the merchant's settings", () => {
  it('need a sign-in and the form token', async () => {
    expect((await page('/admin/settings')).status).toBe(303);
    const stranger = await request(h.app).post('/admin/settings').type('form').send({ contactName: 'x' });
    expect([303, 403]).toContain(stranger.status);
    const noToken = await admin.agent.post('/admin/settings').type('form').send({ ...(await settingsForm()), _csrf: 'forged' });
    expect(noToken.status).toBe(403);
  });

  it('change the pages, shown as escaped text in paragraphs, and go into the trail', async () => {
    const values = await settingsForm();
    const saved = await admin.agent.post('/admin/settings').type('form').send({
      ...values,
      contactEmail: 'service@fengshou.example',
      contactPhone: '02-2345-6789',
      contactAddress: '台北市中正區重慶南路一段 1 號',
      contactHours: '週一至週五 09:00–18:00',
      returnsZh: '第一段第一行\n第一段第二行\n\n第二段 <script>alert(1)</script>',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/settings');
    expect((await admin.agent.get('/admin/settings')).text).toContain('data-notice="admin.settings.saved"');

    const returns = (await page('/returns')).text;
    expect(returns).toContain('<p>第一段第一行<br>第一段第二行</p>');
    expect(returns).toContain('<p>第二段 &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(returns).not.toContain('<script>alert');
    const contact = (await page('/contact')).text;
    expect(contact).toContain('href="mailto:service@fengshou.example"');
    expect(contact).toContain('href="tel:02-2345-6789"');
    expect(contact).toContain('週一至週五 09:00–18:00');

    const trail = await h.db.merchantAction.findMany({ where: { action: 'settings_change' } });
    expect(trail).toEqual([
      expect.objectContaining({ actor: 'merchant', details: { settings: ['contactEmail', 'contactPhone', 'contactAddress', 'contactHours', 'returnsZh'] } }),
    ]);
    expect((await admin.agent.get('/admin/trail?lang=en')).text).toContain('Shop information changed');

    // Saving it unchanged writes nothing.
    const again = await admin.agent.post('/admin/settings').type('form').send(await settingsForm());
    expect(again.status).toBe(303);
    expect(await h.db.merchantAction.count({ where: { action: 'settings_change' } })).toBe(1);
  });

  it('come back with the values kept and each error named, and save nothing', async () => {
    const values = await settingsForm();
    const refused = await admin.agent.post('/admin/settings').type('form').send({
      ...values,
      contactEmail: 'not an address',
      contactPhone: 'call me',
      contactHours: 'nine\u0000to five',
      privacyEn: '   ',
      termsZh: '保留這段文字',
    });
    expect(refused.status).toBe(422);
    for (const name of ['contactEmail', 'contactPhone', 'contactHours', 'privacyEn']) expect(refused.text).toContain(`data-testid="error-${name}"`);
    expect(refused.text).toContain('data-testid="settings-errors"');
    expect(refused.text).toContain('value="not an address"');
    expect(refused.text).toContain('>保留這段文字</textarea>');
    expect((await page('/terms')).text).not.toContain('保留這段文字');
  });
});

describe('every e-mail', () => {
  it('says how to reach the shop instead of "do not reply", and links the policies', async () => {
    for (const [key, value] of [['contactEmail', 'service@fengshou.example'], ['contactPhone', '02-2345-6789']]) {
      await h.db.shopSetting.upsert({ where: { key: key! }, create: { key: key!, value: value!, updatedBy: 'merchant' }, update: { value: value! } });
    }
    const { order } = await cardAttempt(h);
    const deps = { db: h.db, orderLinks: createOrderLinks('secret', () => new Date()), publicBaseUrl: 'https://shop.example' };
    const row = { id: 1, orderId: order.id, paymentId: null, kind: 'order_cancelled', createdAt: new Date() } as unknown as MailOutbox;
    for (const locale of ['zh-TW', 'en'] as const) {
      await h.db.order.update({ where: { id: order.id }, data: { locale } });
      const { view } = await composeMail(deps, row);
      const mail = renderMail('order_cancelled', view);
      for (const body of [mail.text, mail.html]) {
        expect(body).toContain('https://shop.example/contact');
        expect(body).toContain('https://shop.example/returns');
        expect(body).toContain('https://shop.example/privacy');
        expect(body).toContain('https://shop.example/terms');
        expect(body).toContain('service@fengshou.example');
        expect(body).toContain('02-2345-6789');
        expect(body).not.toMatch(/請勿直接回覆|do not reply/);
      }
    }
  });
});
