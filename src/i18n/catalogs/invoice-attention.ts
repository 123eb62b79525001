// The back office's words for e-invoice steps that need a person: the attention list's section,
// its retry button and the notice after a retry.
import type { Catalog } from '../locales';

export const invoiceAttention: Catalog = {
  'zh-TW': {
    'admin.attention.invoices': '需要處理的電子發票',
    'admin.attention.invoicesIntro': '加值中心拒絕了這些發票步驟，或多次沒有回應。修正原因後按「重試」，系統會再送一次（已開立的不會重複開立）。',
    'admin.attention.invoiceStep': '步驟',
    'admin.attention.invoiceStep.issue': '開立發票',
    'admin.attention.invoiceStep.credit': '退款：作廢或折讓',
    'admin.attention.invoiceAnswer': '加值中心最後的回覆',
    'admin.attention.invoiceRetry': '重試',
    'admin.invoiceRetry.queued': '已重新排入電子發票作業，稍後會再送出。',
    'admin.invoiceRetry.notRetryable': '這個步驟目前不需要重試（已完成或正在處理）。',
  },
  en: {
    'admin.attention.invoices': 'E-invoices needing attention',
    'admin.attention.invoicesIntro': 'The e-invoice provider refused these steps, or has not answered many times in a row. Fix the cause, then “Retry”: the step is sent again (an invoice already issued is never issued twice).',
    'admin.attention.invoiceStep': 'Step',
    'admin.attention.invoiceStep.issue': 'Issue the invoice',
    'admin.attention.invoiceStep.credit': 'Refund: void or allowance',
    'admin.attention.invoiceAnswer': 'The provider’s last answer',
    'admin.attention.invoiceRetry': 'Retry',
    'admin.invoiceRetry.queued': 'The e-invoice step is queued again and will be sent shortly.',
    'admin.invoiceRetry.notRetryable': 'This step needs no retry now (it is done or under way).',
  },
};
