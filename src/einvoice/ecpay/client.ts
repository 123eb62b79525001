// ECPay's B2C e-invoice API over HTTP (docs/einvoice.md, "ECPay's API as the shop uses it"): every
// call POSTs {MerchantID, RqHeader, Data} to `${apiUrl}/B2CInvoice/<Op>`, Data encrypted with the
// merchant's key, and reads {TransCode, Data} back, Data decrypted to a result with its RtnCode.
// Failures come out as the provider boundary's two kinds (../provider.ts): unavailable (no answer, a
// timeout, HTTP 403 rate limit, RtnCode 9000001 or 9999999), to be tried again later, or refused
// (any other RtnCode, or an envelope ECPay would not take), with ECPay's code and message.
import { z } from 'zod';
import { InvoiceProviderRefused, InvoiceProviderUnavailable } from '../provider';
import { decryptData, EcpayCryptoError, encryptData, type EcpayKeys } from './crypto';

export type EcpayOperation = 'Issue' | 'GetIssue' | 'Invalid' | 'Allowance' | 'AllowanceInvalid' | 'CheckBarcode' | 'CheckLoveCode';

export interface EcpayClientOptions extends EcpayKeys {
  /** e.g. https://einvoice.ecpay.com.tw; /B2CInvoice/<Op> is appended. */
  apiUrl: string;
  merchantId: string;
  /** The longest one call may take, answer included. */
  timeoutMs: number;
  /** For RqHeader.Timestamp, which ECPay takes for 10 minutes. */
  clock: () => Date;
}

/** ECPay asks a caller that went too fast to wait 30 minutes (docs/einvoice.md). */
const RATE_LIMIT_PAUSE_MS = 30 * 60_000;
const SUCCESS = 1;
/** The tax office's API failed, ECPay's system failed: both pass (docs/einvoice.md). */
const TRANSIENT_CODES = new Set([9000001, 9999999]);

/** An answer ECPay gave, for the invoice's history: the operation, its code and message. */
export class EcpayRefusedError extends InvoiceProviderRefused {
  override name = 'EcpayRefusedError';
  constructor(readonly operation: EcpayOperation, readonly rtnCode: number | string, message: string) {
    super(String(rtnCode), message);
  }
}

class EcpayUnavailableError extends InvoiceProviderUnavailable {
  override name = 'EcpayUnavailableError';
  constructor(readonly operation: EcpayOperation, message: string, mayHaveActed: boolean, retryAfterMs?: number) {
    super(`${operation}: ${message}`, mayHaveActed, retryAfterMs);
  }
}

const envelopeSchema = z.looseObject({ TransCode: z.coerce.number(), TransMsg: z.string().optional(), Data: z.string().optional() });
const resultSchema = z.looseObject({ RtnCode: z.coerce.number(), RtnMsg: z.string().optional() });

export type EcpayResult = z.infer<typeof resultSchema>;

export class EcpayInvoiceClient {
  constructor(private readonly options: EcpayClientOptions) {}

  /**
   * Calls one operation with `data` (MerchantID is added) and returns the decrypted result when its
   * RtnCode is 1, or when it is one of `alsoAccept` (e.g. 2 "no such invoice" for a query).
   */
  async call(operation: EcpayOperation, data: Record<string, unknown>, alsoAccept: readonly number[] = []): Promise<EcpayResult> {
    const { apiUrl, merchantId, timeoutMs, clock } = this.options;
    const body = JSON.stringify({
      MerchantID: merchantId,
      RqHeader: { Timestamp: Math.floor(clock().getTime() / 1000), Revision: '3.0.0' },
      Data: encryptData(this.options, { MerchantID: merchantId, ...data }),
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${apiUrl.replace(/\/$/, '')}/B2CInvoice/${operation}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new EcpayUnavailableError(operation, timedOut ? `no answer within ${timeoutMs} ms` : `no answer (${(error as Error).message})`, true);
    }
    if (response.status === 403) throw new EcpayUnavailableError(operation, 'HTTP 403: calling too fast', false, RATE_LIMIT_PAUSE_MS);
    if (response.status !== 200) throw new EcpayUnavailableError(operation, `HTTP ${response.status}`, true);

    const envelope = parseJson(text, envelopeSchema);
    if (!envelope) throw new EcpayUnavailableError(operation, 'the answer is not ECPay\'s envelope', true);
    if (envelope.TransCode !== SUCCESS || envelope.Data === undefined) {
      throw new EcpayRefusedError(operation, `TransCode ${envelope.TransCode}`, envelope.TransMsg ?? '');
    }
    let decrypted: unknown;
    try {
      decrypted = decryptData(this.options, envelope.Data);
    } catch (error) {
      if (error instanceof EcpayCryptoError) throw new EcpayRefusedError(operation, 'Data', error.message);
      throw error;
    }
    const result = resultSchema.safeParse(decrypted);
    if (!result.success) throw new EcpayRefusedError(operation, 'Data', 'the answer has no RtnCode');
    const { RtnCode: code, RtnMsg: message = '' } = result.data;
    if (code === SUCCESS || alsoAccept.includes(code)) return result.data;
    if (TRANSIENT_CODES.has(code)) throw new EcpayUnavailableError(operation, `RtnCode ${code} ${message}`, code === 9999999);
    throw new EcpayRefusedError(operation, code, message);
  }
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
