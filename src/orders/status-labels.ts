// The one place where status codes become words: the shop's order and payment statuses, and what
// the bank's status and failure codes mean (read in src/sinopac/shop-bank.ts), in zh-TW and
// English. Only the view layer calls it; models and services keep codes.
import type { Locale } from '../i18n/locales';
import { bankStatusMeaning, failureReasonOf, type BankStatusMeaning, type FailureReason } from '../sinopac/shop-bank';

type Labels = Record<string, Record<Locale, string>>;

const orderStatus: Labels = {
  awaiting_payment: { 'zh-TW': '待付款', en: 'Awaiting payment' },
  paid: { 'zh-TW': '已付款', en: 'Paid' },
  expired: { 'zh-TW': '已逾期', en: 'Expired' },
  cancelled: { 'zh-TW': '已取消', en: 'Cancelled' },
  refunded: { 'zh-TW': '已退款', en: 'Refunded' },
  partially_refunded: { 'zh-TW': '部分退款', en: 'Partly refunded' },
};

const paymentStatus: Labels = {
  creating: { 'zh-TW': '建立中', en: 'Being created' },
  create_failed: { 'zh-TW': '建立失敗', en: 'Could not be created' },
  pending: { 'zh-TW': '等待付款', en: 'Waiting for payment' },
  paid: { 'zh-TW': '付款成功', en: 'Paid' },
  failed: { 'zh-TW': '付款失敗', en: 'Payment failed' },
  expired: { 'zh-TW': '已逾期', en: 'Expired' },
  refunded: { 'zh-TW': '已退款', en: 'Refunded' },
  cancelled: { 'zh-TW': '已取消', en: 'Cancelled' },
};

const payType: Labels = {
  atm: { 'zh-TW': 'ATM 轉帳（虛擬帳號）', en: 'ATM transfer (virtual account)' },
  card: { 'zh-TW': '信用卡', en: 'Credit card' },
};

// What the bank's status codes mean (src/sinopac/shop-bank.ts reads the codes), in words.
const bankStatus: Record<BankStatusMeaning, Record<Locale, string>> = {
  atm_awaiting: { 'zh-TW': 'ATM 待繳款', en: 'ATM: awaiting transfer' },
  atm_expired: { 'zh-TW': 'ATM 虛擬帳號已逾期', en: 'ATM: account expired' },
  atm_paid: { 'zh-TW': 'ATM 已繳款', en: 'ATM: paid' },
  atm_settled: { 'zh-TW': 'ATM 已撥款', en: 'ATM: settled' },
  card_awaiting: { 'zh-TW': '信用卡待付款', en: 'Card: awaiting payment' },
  card_link_expired: { 'zh-TW': '信用卡付款連結已逾期', en: 'Card: payment link expired' },
  card_authorised: { 'zh-TW': '信用卡已授權未請款', en: 'Card: authorised, not captured' },
  card_authorisation_lapsed: { 'zh-TW': '信用卡授權已逾期', en: 'Card: authorisation lapsed' },
  card_authorisation_cancelled: { 'zh-TW': '信用卡授權已取消', en: 'Card: authorisation cancelled' },
  card_captured: { 'zh-TW': '信用卡已請款', en: 'Card: captured' },
  card_settled: { 'zh-TW': '信用卡已撥款', en: 'Card: settled' },
  refund_accepted: { 'zh-TW': '退款已受理', en: 'Refund accepted' },
  refund_in_progress: { 'zh-TW': '退款處理中', en: 'Refund in progress' },
  refund_done: { 'zh-TW': '退款完成', en: 'Refund completed' },
};

// Why a payment failed, from the reason the bank's code (or the shop's own, such as no_answer)
// stands for; a code without a reason of its own gets the generic words below.
const failureReason: Record<FailureReason, Record<Locale, string>> = {
  card_declined: { 'zh-TW': '發卡銀行沒有核准這筆刷卡（可能是額度不足、卡片資料有誤或銀行的風險控管）。', en: 'Your card issuer did not approve the charge (for example: not enough credit, a detail mistyped, or the issuer\'s fraud checks).' },
  bank_declined: { 'zh-TW': '銀行沒有完成這筆交易。', en: 'The bank did not complete the transaction.' },
  bank_busy: { 'zh-TW': '銀行系統暫時忙碌，沒有完成這筆交易。', en: 'The bank\'s system was busy and did not complete the transaction.' },
  no_answer: { 'zh-TW': '銀行沒有回應付款的建立。', en: 'The bank did not answer when the payment was set up.' },
};
const FAILURE_GENERIC: Record<Locale, string> = {
  'zh-TW': '銀行沒有核准這筆付款。',
  en: 'The bank did not approve this payment.',
};

/** Badge colour for a status: a class suffix, so that templates name no status themselves. */
const orderTone: Record<string, Tone> = {
  awaiting_payment: 'warning',
  paid: 'success',
  expired: 'secondary',
  cancelled: 'secondary',
  refunded: 'info',
  partially_refunded: 'info',
};
const paymentTone: Record<string, Tone> = {
  creating: 'warning',
  create_failed: 'danger',
  pending: 'warning',
  paid: 'success',
  failed: 'danger',
  expired: 'secondary',
  refunded: 'info',
  cancelled: 'secondary',
};
const invoiceTone: Record<string, Tone> = {
  pending: 'warning',
  issued: 'success',
  void: 'secondary',
  refused: 'danger',
};
export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'secondary';


// A day of the daily settlement (src/settlement/) and what matching it found.
const settlementState: Labels = {
  balanced: { 'zh-TW': '帳目相符', en: 'Balanced' },
  differences: { 'zh-TW': '有差異', en: 'Differences' },
  not_fetched: { 'zh-TW': '尚未取得', en: 'Not fetched' },
};

const settlementDifference: Labels = {
  missing_in_shop: { 'zh-TW': '銀行有、商店未入帳', en: 'At the bank, not booked in the shop' },
  missing_at_bank: { 'zh-TW': '商店已入帳、銀行沒有', en: 'Booked in the shop, not at the bank' },
  amount_mismatch: { 'zh-TW': '金額不符', en: 'Amount differs' },
  type_mismatch: { 'zh-TW': '類型不符', en: 'Type differs' },
  date_mismatch: { 'zh-TW': '日期不符', en: 'Date differs' },
};

const billLineType: Labels = {
  P: { 'zh-TW': '收款', en: 'Payment' },
  R: { 'zh-TW': '退款', en: 'Refund' },
};

// After the payment: the parcel (src/fulfilment/), its carrier, and the merchant's trail.
const fulfilmentStatus: Labels = {
  unfulfilled: { 'zh-TW': '待出貨', en: 'Not shipped yet' },
  shipped: { 'zh-TW': '已出貨', en: 'Shipped' },
  delivered: { 'zh-TW': '已送達', en: 'Delivered' },
  returned: { 'zh-TW': '已退貨', en: 'Returned' },
  cancelled: { 'zh-TW': '已取消', en: 'Cancelled' },
};

const carrier: Labels = {
  tcat: { 'zh-TW': '黑貓宅急便', en: 'T-Cat (黑貓宅急便)' },
  hct: { 'zh-TW': '新竹物流', en: 'HCT Logistics (新竹物流)' },
  post: { 'zh-TW': '中華郵政', en: 'Chunghwa Post (中華郵政)' },
  ecan: { 'zh-TW': '宅配通', en: 'e-can (宅配通)' },
  other: { 'zh-TW': '其他貨運', en: 'Other carrier' },
};

const merchantAction: Labels = {
  sign_in: { 'zh-TW': '登入', en: 'Signed in' },
  refund: { 'zh-TW': '退款', en: 'Refund' },
  recheck: { 'zh-TW': '向銀行重新查詢', en: 'Re-checked with the bank' },
  refund_review: { 'zh-TW': '記錄退款結果', en: 'Refund outcome recorded' },
  shipment: { 'zh-TW': '出貨', en: 'Shipped' },
  delivery: { 'zh-TW': '標記送達', en: 'Marked delivered' },
  return: { 'zh-TW': '標記退貨', en: 'Marked returned' },
  cancellation: { 'zh-TW': '取消訂單', en: 'Order cancelled' },
  settlement_fetch: { 'zh-TW': '取得對帳資料', en: 'Settlement fetched' },
  account_added: { 'zh-TW': '新增帳號', en: 'Account added' },
  account_disabled: { 'zh-TW': '停用帳號', en: 'Account disabled' },
  product_change: { 'zh-TW': '修改商品', en: 'Product changed' },
  stock_change: { 'zh-TW': '調整庫存', en: 'Stock changed' },
  category_change: { 'zh-TW': '修改分類', en: 'Category changed' },
  settings_change: { 'zh-TW': '修改商店資訊', en: 'Shop information changed' },
  invoice_retry: { 'zh-TW': '重試電子發票', en: 'E-invoice step retried' },
};

// Where the buyer's e-invoice goes (checkout's choice, Order.invoiceRecipient).
const invoiceRecipient: Labels = {
  member_carrier: { 'zh-TW': '會員載具', en: 'Member carrier' },
  mobile_barcode: { 'zh-TW': '手機條碼', en: 'Mobile barcode' },
  citizen_certificate: { 'zh-TW': '自然人憑證', en: 'Citizen certificate' },
  company: { 'zh-TW': '公司（統一編號）', en: 'Company (tax ID)' },
  donation: { 'zh-TW': '捐贈', en: 'Donation' },
};

// An e-invoice (src/einvoice/): its status as the merchant reads it, and as the shopper does (to
// whom an invoice the provider refused is simply not issued yet: the shop retries it).
const invoiceStatus: Labels = {
  pending: { 'zh-TW': '待開立', en: 'To be issued' },
  issued: { 'zh-TW': '已開立', en: 'Issued' },
  void: { 'zh-TW': '已作廢', en: 'Void' },
  refused: { 'zh-TW': '開立遭拒', en: 'Refused by the provider' },
};
const shopperInvoiceStatus: Labels = {
  ...invoiceStatus,
  refused: invoiceStatus.pending!,
};

// The invoice's history: each step and what the provider said.
const invoiceAction: Labels = {
  issue: { 'zh-TW': '開立', en: 'Issue' },
  credit: { 'zh-TW': '退款沖銷（作廢或折讓）', en: 'Credit for a refund (void or allowance)' },
  void: { 'zh-TW': '作廢', en: 'Void' },
  allowance: { 'zh-TW': '折讓', en: 'Allowance' },
  retry: { 'zh-TW': '重試', en: 'Retry' },
};
const invoiceOutcome: Labels = {
  queued: { 'zh-TW': '已排入', en: 'Queued' },
  done: { 'zh-TW': '完成', en: 'Done' },
  found: { 'zh-TW': '服務商已有此筆', en: 'Already at the provider' },
  unanswered: { 'zh-TW': '未回應，稍後重試', en: 'No answer: tried again later' },
  refused: { 'zh-TW': '遭拒', en: 'Refused' },
};
const invoiceStepKind: Labels = {
  issue: { 'zh-TW': '開立發票', en: 'Issuing the invoice' },
  credit: { 'zh-TW': '退款沖銷', en: 'Crediting a refund' },
};

// Which of the provider's environments the shop's invoices go to (settings page).
const einvoiceEnvironment: Labels = {
  simulator: { 'zh-TW': '本機模擬器（測試）', en: 'Local simulator (testing)' },
  stage: { 'zh-TW': '服務商測試環境', en: 'The provider\'s test environment' },
  production: { 'zh-TW': '正式環境', en: 'Production' },
};

const kinds = {
  order: orderStatus, payment: paymentStatus, payType,
  settlement: settlementState, difference: settlementDifference, billLine: billLineType,
  fulfilment: fulfilmentStatus, carrier, merchantAction, invoiceRecipient,
  invoice: invoiceStatus, shopperInvoice: shopperInvoiceStatus, invoiceAction, invoiceOutcome, invoiceStep: invoiceStepKind, einvoiceEnvironment,
} as const;
export type LabelKind = keyof typeof kinds | 'bank';

/** The words for a code; an unknown code is shown as itself rather than hidden. */
export function statusLabel(kind: LabelKind, code: string | null | undefined, locale: Locale): string {
  if (!code) return '';
  const meaning = kind === 'bank' ? bankStatusMeaning(code) : undefined;
  const words = kind === 'bank' ? meaning && bankStatus[meaning] : kinds[kind][code];
  return words?.[locale] ?? code;
}

/** Why a payment failed, in words; never the raw code, which means nothing to a shopper. */
export function failureLabel(code: string | null | undefined, locale: Locale): string {
  const reason = failureReasonOf(code);
  return reason ? failureReason[reason][locale] : FAILURE_GENERIC[locale];
}

/** The colour of a status badge (Bootstrap's text-bg-<tone>). */
export function statusTone(kind: 'order' | 'payment' | 'invoice', code: string | null | undefined): Tone {
  return { order: orderTone, payment: paymentTone, invoice: invoiceTone }[kind][code ?? ''] ?? 'secondary';
}
