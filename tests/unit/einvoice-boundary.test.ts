// ECPay's terms stay inside src/einvoice/ecpay/ (its simulator lives in its own package): the rest of
// the shop speaks of invoices, allowances, recipients and references (src/einvoice/provider.ts), so
// another provider can take ECPay's place. This reads every source file outside that folder, and
// every view, and names each line that spells one of ECPay's fields, codes or stage credentials.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const VIEWS = join(ROOT, 'views');
const ECPAY_FOLDERS = [join(SRC, 'einvoice', 'ecpay'), join(SRC, 'generated')];

const ECPAY_TERMS: Array<[RegExp, string]> = [
  [/\b(?:RelateNumber|RtnCode|RtnMsg|TransCode|TransMsg|RqHeader|RpHeader|MerchantID|CarrierType|CarrierNum2?|LoveCode|CustomerIdentifier|SalesAmount|TaxType|InvType|ItemSeq|ItemWord|ItemAmount|ItemTaxType|AllowanceNotify|AllowanceAmount|IsExist|BarCode|InvoiceNo|RandomNumber)\b/, 'an ECPay message field'],
  [/\b(?:IIS|IA|II)_[A-Z]\w*/, 'an ECPay answer field (IIS_…, IA_…)'],
  [/\b(?:Print|Donation)\s*:\s*['"][01]['"]/, 'the Print or Donation flag'],
  [/\bB2CInvoice\b/, "ECPay's API path"],
  [/\b(?:1100040|1500047|5070350|1200125|2027000|2000034|2000039|2000063|2020001|5000007|5000015|5000022|5000028|5070250|5070357|5070450|5070453|9000001|9999999)\b/, 'an ECPay RtnCode'],
  [/\b2000132\b|ejCk326UnaZWKisg|q9jcZX8Ib9LM8wYk/, "ECPay's public stage credentials"],
];

function sourceFiles(folder: string, extension: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return ECPAY_FOLDERS.includes(path) ? [] : sourceFiles(path, extension);
    return entry.name.endsWith(extension) ? [path] : [];
  });
}

function leaks(text: string): string[] {
  return text.split('\n').flatMap((line, index) =>
    ECPAY_TERMS.filter(([pattern]) => pattern.test(line)).map(([, what]) => `${index + 1}: ${what}: ${line.trim()}`),
  );
}

describe('the e-invoice provider boundary', () => {
  it('no file outside src/einvoice/ecpay/ spells an ECPay field, code or stage credential', () => {
    const found = sourceFiles(SRC, '.ts').flatMap((file) => leaks(readFileSync(file, 'utf8')).map((leak) => `${relative(ROOT, file)}:${leak}`));
    expect(found).toEqual([]);
  });

  it('no view spells one either', () => {
    const views = sourceFiles(VIEWS, '.njk');
    expect(views.length).toBeGreaterThan(10);
    const found = views.flatMap((file) => leaks(readFileSync(file, 'utf8')).map((leak) => `${relative(ROOT, file)}:${leak}`));
    expect(found).toEqual([]);
  });

  it('the ECPay folder does spell them, so the patterns are the ones it uses', () => {
    const neutral = sourceFiles(join(SRC, 'einvoice'), '.ts');
    expect(neutral.length).toBeGreaterThan(3);
    const inside = readdirSync(ECPAY_FOLDERS[0]!).map((name) => readFileSync(join(ECPAY_FOLDERS[0]!, name), 'utf8')).join('\n');
    expect(leaks(inside).length).toBeGreaterThan(10);
  });

  it('would name a leak if one crept in', () => {
    expect(leaks("send({ RelateNumber: order.number, Print: '1', LoveCode })")).toHaveLength(2);
    expect(leaks("if (answer.RtnCode === 5070357) return answer.IIS_Number;")).toHaveLength(3);
    expect(leaks('the provider refused with 5000022')).toHaveLength(1);
    expect(leaks("merchantId: '2000132'")).toHaveLength(1);
    expect(leaks("await provider.issue({ reference, recipient: { kind: 'donation', donationCode } })")).toEqual([]);
    expect(leaks("const print = recipient.kind === 'company'; // the Print rules live in ecpay/")).toEqual([]);
  });
});
