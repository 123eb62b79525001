import type { Catalog } from '../locales';

// Text of the payment result page and of the bank's return when it cannot be followed.
// Status words come from src/orders/status-labels.ts, not from here.
export const payments: Catalog = {
  'zh-TW': {
    'payments.result.title': '信用卡刷卡結果',
    'payments.result.orderNumber': '訂單編號',
    'payments.result.amount': '金額',
    'payments.result.attemptStatus': '付款狀態',
    'payments.result.success': '付款已完成，感謝您的訂購！我們會盡快為您出貨。',
    'payments.result.failure': '這次付款沒有成功。您可以改用信用卡重新付款。',
    'payments.result.failureNoRetry': '這次付款沒有成功。請到「我的訂單」查看這筆訂單。',
    'payments.result.pending': '正在向銀行確認付款結果，本頁會自動更新，請稍候。',
    'payments.result.payAgain': '以信用卡重新付款',
    'payments.result.continueShopping': '繼續購物',
    'payments.result.myOrders': '我的訂單',
    'payments.start.bank_refused': '銀行沒有接受這次付款，請稍後再試，或與我們聯絡。',
    'payments.start.bank_unavailable': '目前無法連線到銀行，請稍後再試。',
    'payments.return.title': '無法確認付款',
    'payments.return.invalid': '銀行傳回的付款資料不完整，無法處理。',
    'payments.return.unknown': '銀行傳回的付款資料對應不到本店的訂單。若您已經付款，請到「我的訂單」查看，或與我們聯絡。',
    'payments.return.unavailable': '目前無法向銀行確認付款結果。若您已經付款，訂單狀態稍後會自動更新，請到「我的訂單」查看。',
  },
  en: {
    'payments.result.title': 'Card payment result',
    'payments.result.orderNumber': 'Order number',
    'payments.result.amount': 'Amount',
    'payments.result.attemptStatus': 'Payment status',
    'payments.result.success': 'Your payment went through. Thank you for your order! We will ship it soon.',
    'payments.result.failure': 'This payment did not go through. You can pay again by card.',
    'payments.result.failureNoRetry': 'This payment did not go through. Please check the order under "My orders".',
    'payments.result.pending': 'We are confirming the payment with the bank. This page refreshes by itself; please wait.',
    'payments.result.payAgain': 'Pay again by card',
    'payments.result.continueShopping': 'Continue shopping',
    'payments.result.myOrders': 'My orders',
    'payments.start.bank_refused': 'The bank did not accept this payment. Please try again later or contact us.',
    'payments.start.bank_unavailable': 'We cannot reach the bank right now. Please try again later.',
    'payments.return.title': 'Payment not confirmed',
    'payments.return.invalid': 'The payment details sent back by the bank are incomplete and cannot be processed.',
    'payments.return.unknown': 'The payment details sent back by the bank do not match any order of ours. If you have paid, please check "My orders" or contact us.',
    'payments.return.unavailable': 'We cannot confirm the payment with the bank right now. If you have paid, your order will update shortly; see "My orders".',
  },
};
