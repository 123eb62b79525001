// The online allowance's callback (PROTOCOL.md, online allowance): once the buyer agrees, ECPay
// form-POSTs the result to the merchant's ReturnURL, signed with CheckMacValue; the merchant answers
// `1|OK` (UNVERIFIED). The sandbox posts once and records what came back.
import { checkMacValue, type EinvoiceMerchant } from './crypto';
import { remainingAllowable, type Allowance, type Invoice } from './invoices';
import { taiwanDateTime } from './taiwan-time';

export interface ConsentDelivery {
  url: string;
  /** The form fields sent, CheckMacValue included. */
  fields: Record<string, string>;
  status?: number;
  /** The merchant's answer, its first 200 characters. */
  answer?: string;
  error?: string;
}

const CALLBACK_TIMEOUT_MS = 10_000;

export async function deliverConsent(invoice: Invoice, allowance: Allowance, merchant: EinvoiceMerchant, now: Date): Promise<ConsentDelivery> {
  const url = allowance.online!.returnUrl;
  const params: Record<string, string> = {
    RtnCode: '1',
    RtnMsg: '',
    IA_Allow_No: allowance.allowanceNo,
    IA_Invoice_No: invoice.invoiceNo,
    IA_Date: taiwanDateTime(allowance.online!.agreedAt ?? now),
    IIS_Remain_Allowance_Amt: String(remainingAllowable(invoice, now)),
  };
  const fields = { ...params, CheckMacValue: checkMacValue(params, merchant) };
  try {
    const response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS) });
    return { url, fields, status: response.status, answer: (await response.text()).slice(0, 200) };
  } catch (error) {
    return { url, fields, error: error instanceof Error ? error.message : String(error) };
  }
}
