// The console page: what it lists, checked in its HTML, and axe-core in Debian's Chromium on a
// desktop and a phone viewport (the shop's accessibility bar, without importing the shop).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueData } from './support/client';
import { useSandbox } from './support/sandbox';

const { client, sandbox } = await useSandbox();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function issueSeveral() {
  const plain = (await client.call('Issue', issueData({ RelateNumber: 'PLAIN1' }))).data;
  const voided = (await client.call('Issue', issueData({ RelateNumber: 'VOIDED1', CarrierType: '3', CarrierNum: '/ABC+1.-' }))).data;
  await client.call('Invalid', { InvoiceNo: voided.InvoiceNo, InvoiceDate: '2025-01-15', Reason: '訂單取消' });
  const donated = (await client.call('Issue', issueData({ RelateNumber: 'DONATED1', CarrierType: '', Donation: '1', LoveCode: '919' }))).data;
  await client.call('AllowanceByCollegiate', {
    InvoiceNo: donated.InvoiceNo, InvoiceDate: '2025-01-15', AllowanceNotify: 'E', NotifyMail: 'buyer@example.com', ReturnURL: 'http://127.0.0.1:9/consent', AllowanceAmount: 30,
    Items: [{ ItemSeq: 1, ItemName: '退款', ItemCount: 1, ItemWord: '式', ItemPrice: 30, ItemAmount: 30 }],
  });
  await client.call('Issue', issueData({ RelateNumber: 'COMPANY1', CarrierType: '', Print: '1', CustomerIdentifier: '53212539', CustomerName: '豐收商行<有限公司>', CustomerAddr: '台北市' }));
  const allowance = (await client.call('Allowance', {
    InvoiceNo: plain.InvoiceNo, InvoiceDate: '2025-01-15', AllowanceNotify: 'N', AllowanceAmount: 60,
    Items: [{ ItemSeq: 1, ItemName: '運費退還', ItemCount: 1, ItemWord: '式', ItemPrice: 60, ItemAmount: 60 }],
  })).data;
  await client.call('AllowanceInvalid', { InvoiceNo: plain.InvoiceNo, AllowanceNo: allowance.IA_Allow_No, Reason: '取消' });
  await client.call('Allowance', {
    InvoiceNo: plain.InvoiceNo, InvoiceDate: '2025-01-15', AllowanceNotify: 'N', AllowanceAmount: 100,
    Items: [{ ItemSeq: 1, ItemName: '部分退款', ItemCount: 1, ItemWord: '式', ItemPrice: 100, ItemAmount: 100 }],
  });
  return { plain, voided, allowance };
}

describe('the console page', () => {
  it('says there is no invoice yet', async () => {
    const page = await (await fetch(`${sandbox.origin}/console`)).text();
    expect(page).toContain('尚無發票');
  });

  it('lists every invoice newest first, with its recipient, void and allowances, escaping what the client sent', async () => {
    const { plain, voided, allowance } = await issueSeveral();
    const response = await fetch(`${sandbox.origin}/console`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    const rows = [...page.matchAll(/<tr data-invoice-no="([A-Z]{2}\d{8})">([\s\S]*?)<\/tr>/g)];
    expect(rows).toHaveLength(4);
    expect(rows[3]![1]).toBe(plain.InvoiceNo);
    const [company, donated, voidRow, plainRow] = rows.map((row) => row[2]!);
    expect(company).toContain('統編 Tax ID: 53212539 豐收商行&lt;有限公司&gt;');
    expect(company).toContain('列印 Printed');
    expect(donated).toContain('捐贈 Donated: 919');
    expect(donated).toMatch(/NT\$ 30 2025-01-15 10:20:30 線上 Online <strong>待買方同意 Awaiting the buyer<\/strong>/);
    expect(voidRow).toContain('已作廢 Void');
    expect(voidRow).toContain('/ABC+1.-');
    expect(rows[2]![1]).toBe(voided.InvoiceNo);
    expect(plainRow).toContain(`${allowance.IA_Allow_No}</code> NT$ 60`);
    expect(plainRow).toMatch(/NT\$ 100 2025-01-15 10:20:30<\/li>/);
    expect(plainRow).toContain('餘 Left NT$ 200');
  });
});

describe('the console page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(() => browser?.close());

  it.each([
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ])('has no axe-core violation on a %s', async (_name, viewport) => {
    await issueSeveral();
    const page = await browser.newPage({ viewport });
    await page.goto(`${sandbox.origin}/console`);
    await page.evaluate(AXE_SOURCE);
    const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    const link = await page.getByRole('link', { name: /Refresh/ }).boundingBox();
    expect(link!.height).toBeGreaterThanOrEqual(44);
    await page.close();
  });
});
