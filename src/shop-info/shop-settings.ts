// What the shop says about itself: the merchant's contact details and the texts of the terms,
// returns and privacy pages. The merchant edits them in the back office (/admin/settings); a
// setting never saved shows the default below, so a new shop has complete pages from its first day.
// The texts are plain text, shown escaped, one paragraph per blank line (paragraphs()).
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { Locale } from '../i18n/locales';
import { hasNoControlCharacters } from '../web/plain-text';
import { recordMerchantAction } from '../admin/trail';

export const SHOP_SETTING_KEYS = [
  'contactName', 'contactEmail', 'contactPhone', 'contactAddress', 'contactHours',
  'termsZh', 'termsEn', 'returnsZh', 'returnsEn', 'privacyZh', 'privacyEn',
] as const;
export type ShopSettingKey = (typeof SHOP_SETTING_KEYS)[number];
export type ShopSettings = Record<ShopSettingKey, string>;

const TERMS_ZH = `歡迎在豐收商店購物。您送出訂單，即表示同意以下條款。

一、訂單：送出訂單後，您會收到訂單編號（FS 開頭）與確認信。付款完成後訂單才算成立；商品價格與運費以送出訂單時頁面所示為準。

二、付款：信用卡與 ATM 轉帳由永豐銀行豐收款處理，本店不經手也不保存您的卡號。未在期限內付款的訂單會自動取消，保留的庫存也會釋出。

三、出貨：付款完成後，我們會盡快出貨，並以電子郵件通知物流單號。出貨狀態可在「我的訂單」或「查詢訂單」頁面查看。

四、退貨與退款：您享有消費者保護法規定的七天解除權，詳見「退貨與退款」頁面。

五、聯絡我們：對訂單或本條款有任何問題，請透過「聯絡我們」頁面所列的方式與我們聯絡。`;

const TERMS_EN = `Welcome to Fengshou Shop. By placing an order you agree to these terms.

1. Orders: when you place an order you get an order number (starting with FS) and a confirmation e-mail. The order stands once it is paid; prices and the shipping fee are those shown when you placed it.

2. Payment: cards and ATM transfers are processed by Bank SinoPac; the shop never sees or keeps your card number. An order not paid by its deadline is cancelled and the stock held for it released.

3. Delivery: we ship as soon as the order is paid and e-mail you the tracking number. You can follow the order under "My orders" or "Find an order".

4. Returns and refunds: you have the seven-day right to cancel an online purchase under Taiwan's Consumer Protection Act; see "Returns and refunds".

5. Contact: for any question about an order or these terms, reach us as shown on the "Contact us" page.`;

const RETURNS_ZH = `七天解除權（猶豫期）：依消費者保護法第 19 條，透過網路等通訊交易購買的商品，您可以在收到商品後七天內，退回商品或以書面（包括電子郵件）通知我們解除契約，不需說明理由，也不需負擔任何費用或價款。

如何退貨：請先透過「聯絡我們」所列的電子郵件或電話告訴我們訂單編號，我們會安排取件或告訴您寄回的方式。請盡量連同配件、贈品與包裝一併退回；為了檢查商品而拆封，不影響您的權利。

退款：我們收到退回的商品或您的通知後，會在十五天內退款。信用卡付款會退回原信用卡；ATM 轉帳付款會退到您提供的銀行帳戶。

例外：依「通訊交易解除權合理例外情事適用準則」，易於腐敗、保存期限較短或解約時即將逾期的商品（例如部分食品）、依您的要求客製的商品，以及已拆封的個人衛生用品等，可能不適用七天解除權；這類商品會在商品頁面事先說明。

商品有瑕疵或寄錯：請在收到商品後盡快與我們聯絡，我們負擔來回運費，並為您更換或退款。`;

const RETURNS_EN = `Seven-day right to cancel: under Article 19 of Taiwan's Consumer Protection Act, you may return goods bought online, or tell us in writing (an e-mail will do) that you cancel the purchase, within seven days of receiving them, without giving a reason and without paying any fee or charge.

How to return: tell us your order number by e-mail or phone (see "Contact us"), and we will arrange a pick-up or tell you where to send the goods. Please return accessories, gifts and the packaging with them where you can; opening the package to inspect the goods does not affect your right.

Refunds: we refund within fifteen days of receiving the goods or your notice: to the same card for a card payment, or to a bank account you name for an ATM transfer.

Exceptions: under the rules on reasonable exceptions for distance sales, goods that perish quickly or are near their expiry date (some foods), goods made to your specification, and opened personal hygiene products may not be returnable under the seven-day right; such goods say so on their product page beforehand.

Faulty or wrong goods: contact us as soon as you can; we pay the shipping both ways and replace or refund them.`;

const PRIVACY_ZH = `依個人資料保護法第 8 條，我們在蒐集您的個人資料時告知您以下事項。

蒐集者：豐收商店（聯絡方式見「聯絡我們」頁面）。

蒐集目的：處理您的訂單、付款、出貨、退貨退款與客戶服務，以及依法記帳（特定目的：網路購物及其他電子商務、契約或類似契約事務、消費者與客戶管理與服務）。

蒐集的資料：姓名、電子郵件、手機號碼、收件地址、訂單內容與付款結果。信用卡號由永豐銀行的付款頁面直接處理，本店不會收到也不保存。

Cookie：本店使用必要的 cookie 記住您的購物車、語言與您的訂單；您在本瀏覽器上次結帳填寫的資料只存放在這個瀏覽器中，方便下次結帳，不會用在其他瀏覽器或其他用途。我們不使用廣告或追蹤 cookie。

利用對象：永豐銀行（處理付款）與物流業者（寄送商品：姓名、電話與地址）。除此之外，除法律要求外不提供給第三人。

利用期間與地區：交易完成後，依商業會計法保存帳簿憑證五年；資料存放於我們在台灣使用的伺服器。

您的權利：您可以請求查詢、閱覽、製給複本、補充或更正、停止蒐集處理利用或刪除您的個人資料，請透過「聯絡我們」所列的方式提出。

不提供的影響：若不提供姓名、聯絡方式與收件地址，我們將無法處理您的訂單。`;

const PRIVACY_EN = `Under Article 8 of Taiwan's Personal Data Protection Act, this is what we tell you when we collect your personal data.

Who collects it: Fengshou Shop (see "Contact us" for how to reach us).

Why: to handle your order, its payment, delivery, returns and refunds, to answer your questions, and to keep the accounts the law requires.

What: your name, e-mail address, mobile number, delivery address, what you ordered and whether it was paid. Card numbers are entered on Bank SinoPac's payment page; the shop never receives or keeps them.

Cookies: the shop uses only the cookies it needs to remember your cart, your language and your orders. The details you typed at your last checkout in this browser are kept in this browser only, to fill in your next checkout; they are never used in another browser or for anything else. We use no advertising or tracking cookies.

Who else sees it: Bank SinoPac (to take the payment) and the carrier (to deliver: name, phone and address). Nobody else, unless the law requires it.

How long and where: accounting records are kept for five years after the sale, as the Business Entity Accounting Act requires, on servers we use in Taiwan.

Your rights: you may ask to see your data, get a copy, have it completed or corrected, or have us stop using it or delete it; ask us as shown on the "Contact us" page.

If you do not give it: without your name, contact details and a delivery address we cannot handle your order.`;

/** A new shop's words. Contact details are the merchant's own and start empty but for the name. */
const DEFAULT_SHOP_SETTINGS: ShopSettings = {
  contactName: '豐收商店 Fengshou Shop',
  contactEmail: '',
  contactPhone: '',
  contactAddress: '',
  contactHours: '',
  termsZh: TERMS_ZH,
  termsEn: TERMS_EN,
  returnsZh: RETURNS_ZH,
  returnsEn: RETURNS_EN,
  privacyZh: PRIVACY_ZH,
  privacyEn: PRIVACY_EN,
};

export async function readShopSettings(db: Database): Promise<ShopSettings> {
  const rows = await db.shopSetting.findMany({ where: { key: { in: [...SHOP_SETTING_KEYS] } } });
  const saved = Object.fromEntries(rows.map((row) => [row.key, row.value]));
  return Object.fromEntries(SHOP_SETTING_KEYS.map((key) => [key, saved[key] ?? DEFAULT_SHOP_SETTINGS[key]])) as ShopSettings;
}

/** The page texts in the visitor's language. */
export function shopTexts(settings: ShopSettings, locale: Locale): { terms: string; returns: string; privacy: string } {
  return locale === 'en'
    ? { terms: settings.termsEn, returns: settings.returnsEn, privacy: settings.privacyEn }
    : { terms: settings.termsZh, returns: settings.returnsZh, privacy: settings.privacyZh };
}

/** Paragraphs (split at blank lines), each a list of lines: the template escapes each and puts <br> between lines. */
export function paragraphs(text: string): string[][] {
  return text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.trim()).filter(Boolean))
    .filter((lines) => lines.length > 0);
}

// The form's rules: one-line fields without control characters, a real e-mail address or none, a
// phone number as people write it, texts of paragraphs (line breaks and tabs only) that are never
// empty, since a page without its text would leave the shopper with nothing.
const ERROR = 'admin.settings.error';
const line = (max: number) =>
  z.string().refine(hasNoControlCharacters, `${ERROR}.line`).transform((value) => value.normalize('NFC').trim()).pipe(z.string().max(max, `${ERROR}.tooLong`));
const pageText = z
  .string()
  .refine((value) => hasNoControlCharacters(value.replace(/[\r\n\t]/g, ' ')), `${ERROR}.text`)
  .transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n').trim())
  .pipe(z.string().min(1, `${ERROR}.empty`).max(8_000, `${ERROR}.tooLong`));

const shopSettingsSchema = z.object({
  contactName: line(100).pipe(z.string().min(1, `${ERROR}.empty`)),
  contactEmail: line(254).pipe(z.union([z.literal(''), z.email(`${ERROR}.email`)])),
  contactPhone: line(30).pipe(z.string().regex(/^[0-9０-９+()\-# ]*$/, `${ERROR}.phone`)),
  contactAddress: line(200),
  contactHours: line(200),
  termsZh: pageText,
  termsEn: pageText,
  returnsZh: pageText,
  returnsEn: pageText,
  privacyZh: pageText,
  privacyEn: pageText,
});

export type ShopSettingsErrors = Partial<Record<ShopSettingKey, string>>;

export function readShopSettingsForm(body: unknown): { settings: ShopSettings } | { errors: ShopSettingsErrors } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const input = Object.fromEntries(SHOP_SETTING_KEYS.map((key) => [key, typeof fields[key] === 'string' ? fields[key] : '']));
  const parsed = shopSettingsSchema.safeParse(input);
  if (parsed.success) return { settings: parsed.data };
  const errors: ShopSettingsErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as ShopSettingKey;
    errors[key] ??= issue.message.startsWith(ERROR) ? issue.message : `${ERROR}.line`;
  }
  return { errors };
}

/** Saves what changed, with a trail row naming the settings changed (not their text). */
export async function saveShopSettings(db: Database, settings: ShopSettings, by: { actor: string; address?: string }): Promise<ShopSettingKey[]> {
  return db.$transaction(async (tx) => {
    const before = Object.fromEntries((await tx.shopSetting.findMany()).map((row) => [row.key, row.value]));
    const changed = SHOP_SETTING_KEYS.filter((key) => (before[key] ?? DEFAULT_SHOP_SETTINGS[key]) !== settings[key]);
    for (const key of changed) {
      await tx.shopSetting.upsert({
        where: { key },
        create: { key, value: settings[key], updatedBy: by.actor },
        update: { value: settings[key], updatedBy: by.actor, updatedAt: new Date() },
      });
    }
    if (changed.length > 0) {
      await recordMerchantAction(tx, { actor: by.actor, action: 'settings_change', details: { settings: changed }, ...(by.address && { address: by.address }) });
    }
    return changed;
  });
}
