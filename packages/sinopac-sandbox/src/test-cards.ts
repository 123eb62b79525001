import type { CardCharge } from './lifecycle';

// The sandbox's cards. Only these are accepted: anything else is a form error and no payment.
export interface TestCard {
  number: string;
  outcome: 'approved' | 'declined';
  /** MM/YY the card must be entered with; undefined accepts any unexpired date. */
  expiry?: string;
  /** CVV the card must be entered with; undefined accepts any three digits. */
  cvv?: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  // The bank's published sandbox card (docs/sinopac-protocol.md §7).
  { number: '4999370000023145', outcome: 'approved', expiry: '12/30', cvv: '880' },
  { number: '4000000000000002', outcome: 'declined' },
];

export interface CardEntry {
  number: string;
  expiry: string;
  cvv: string;
}

export type CardCheck = { ok: false; message: string } | { ok: true; charge: CardCharge };

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Checks what the shopper typed; returns a form error or the charge, holding only first six and last four digits. */
export function checkCard(entry: CardEntry, now: Date): CardCheck {
  const number = entry.number.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(number) || !luhnValid(number)) return { ok: false, message: '信用卡卡號格式錯誤' };
  const expiry = /^(\d{2})\s*\/\s*(\d{2})$/.exec(entry.expiry.trim());
  const month = Number(expiry?.[1]);
  if (!expiry || month < 1 || month > 12) return { ok: false, message: '有效期限格式錯誤，請輸入 MM/YY' };
  const year = 2000 + Number(expiry[2]);
  if (Date.UTC(year, month, 1) <= now.getTime()) return { ok: false, message: '信用卡已過期' };
  const cvv = entry.cvv.trim();
  if (!/^\d{3}$/.test(cvv)) return { ok: false, message: '背面末三碼格式錯誤' };
  const card = TEST_CARDS.find((c) => c.number === number);
  if (!card) return { ok: false, message: '此卡號不是測試環境的測試卡，交易未送出' };
  const normalisedExpiry = `${expiry[1]}/${expiry[2]}`;
  if ((card.expiry && card.expiry !== normalisedExpiry) || (card.cvv && card.cvv !== cvv)) {
    return { ok: false, message: '卡片資料錯誤：有效期限或背面末三碼不符' };
  }
  return { ok: true, charge: chargeOf(card, `${expiry[2]}${expiry[1]}`) };
}

/** What the bank keeps of a card: first six and last four digits, expiry as YYMM. */
export function chargeOf(card: TestCard, ccExpDate: string): CardCharge {
  return {
    approved: card.outcome === 'approved',
    leftCCNo: card.number.slice(0, 6),
    rightCCNo: card.number.slice(-4),
    ccExpDate,
  };
}
