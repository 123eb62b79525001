// SinoPac's terms stay inside src/sinopac/ (and its simulator, the sinopac-sandbox package under
// packages/, which is not the shop's source): the rest of the shop speaks of card and ATM, amounts,
// and outcomes. This reads every source file outside src/sinopac/, and every view, and names each
// line that spells one of the bank's codes or message fields.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const VIEWS = join(ROOT, 'views');
const BANK_FOLDERS = ['sinopac', 'generated'].map((folder) => join(SRC, folder));

// What only the bank's own code may spell, each with what it is.
const BANK_TERMS: Array<[RegExp, string]> = [
  [/\b[EM]\d{4}\b/, 'a result code (E0302, M0001…)'],
  [/\b[12][ACF]\d{3}\b/, 'a PayStatus or RefundStatus code (1C300, 2C900…)'],
  // The database's enum types share two of these names (PayType, RefundStatus): only the fields count.
  [/\b(?:PayType|RefundStatus)\s*(?::|===|!==)|\.(?:PayType|RefundStatus)\b|(?<!::)['"](?:PayType|RefundStatus)['"]/, 'the PayType or RefundStatus field'],
  [/['"][AC]['"]/, 'a PayType letter'],
  [/\bPayType\.[AC]\b/, 'a PayType letter'],
  [/\bCommand\b/, 'the OrderMaintain Command field'],
  [/\b(?:ReturnURL|BackendURL|ATMParam|CardParam|AutoBilling|PrdtName|ExpireDate|ExpMinutes|AtmPayNo|CardPayURL|WebAtmURL|PayStatus|RefundFlag|APType)\b/, 'a message field'],
  [/['"]807['"]/, "the bank's code"],
];

function sourceFiles(folder: string, extension: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return BANK_FOLDERS.includes(path) ? [] : sourceFiles(path, extension);
    return entry.name.endsWith(extension) ? [path] : [];
  });
}

function leaks(text: string): string[] {
  return text.split('\n').flatMap((line, index) =>
    BANK_TERMS.filter(([pattern]) => pattern.test(line)).map(([, what]) => `${index + 1}: ${what}: ${line.trim()}`),
  );
}

describe('the bank boundary', () => {
  it('no file outside src/sinopac/ spells a SinoPac code or message field', () => {
    const found = sourceFiles(SRC, '.ts')
      .flatMap((file) => leaks(readFileSync(file, 'utf8')).map((leak) => `${relative(ROOT, file)}:${leak}`));
    expect(found).toEqual([]);
  });

  it('no view spells a PayType letter: pages post and compare the shop\'s card and atm', () => {
    const views = sourceFiles(VIEWS, '.njk');
    expect(views.length).toBeGreaterThan(10);
    const found = views.flatMap((file) => leaks(readFileSync(file, 'utf8')).map((leak) => `${relative(ROOT, file)}:${leak}`));
    expect(found).toEqual([]);
  });

  it('would name a leak if one crept in', () => {
    expect(leaks("if (payment.payType === 'C') send({ Command: 'R', ReturnURL })")).toHaveLength(3);
    expect(leaks('the bank refused with E2001 while the payment was 1C300')).toHaveLength(2);
    expect(leaks("const atm = { bankCode: '807' };")).toHaveLength(1);
    expect(leaks('const entry = { PayType: answer.PayType, RefundStatus: status };')).toHaveLength(1);
    expect(leaks("payType: 'card', amount: toBankAmount(totalTwd)")).toEqual([]);
    expect(leaks("z.enum([PayType.C, PayType.A])")).toHaveLength(1);
    expect(leaks('<input type="hidden" name="payType" value="A">')).toHaveLength(1);
    expect(leaks("{{ 'cardHint' if code == 'C' else 'atmHint' }}")).toHaveLength(1);
    expect(leaks('import type { PayType, RefundStatus } from "../generated/prisma/client"; o."payType" = ${payType}::"PayType"')).toEqual([]);
  });
});
