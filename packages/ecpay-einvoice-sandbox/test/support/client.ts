// A tiny ECPay B2C client for the tests, built from the package's own crypto: it envelopes a
// Data object, posts it over real HTTP, and opens the answer.
import { decryptData, encryptData, type EinvoiceMerchant } from '../../src/crypto';
import { STAGE_MERCHANT } from '../../src/options';

export interface Answer {
  status: number;
  envelope: Record<string, unknown> & { TransCode: number; TransMsg: string; Data: string };
  data: Record<string, unknown> & { RtnCode: number; RtnMsg: string };
}

export interface CallOptions {
  /** Unix seconds; default the test clock's. */
  timestamp?: number;
  merchant?: EinvoiceMerchant;
  signal?: AbortSignal;
}

/** A response's JSON body as an answer envelope. */
export async function envelopeOf(response: Response): Promise<Answer['envelope']> {
  return (await response.json()) as Answer['envelope'];
}

export class TestClock {
  constructor(public current: Date) {}
  readonly now = () => this.current;
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export class EinvoiceTestClient {
  constructor(
    private readonly apiUrl: string,
    private readonly clock: TestClock,
    private readonly merchant: EinvoiceMerchant = STAGE_MERCHANT,
  ) {}

  /** Posts an envelope body as is. */
  post(op: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.apiUrl}/B2CInvoice/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  }

  envelope(encryptedData: string, options: CallOptions = {}) {
    const merchant = options.merchant ?? this.merchant;
    return {
      MerchantID: merchant.merchantId,
      RqHeader: { Timestamp: options.timestamp ?? Math.floor(this.clock.current.getTime() / 1000), Revision: '3.0.0' },
      Data: encryptedData,
    };
  }

  /** Calls a service with `data` (MerchantID added) and decrypts the answer; fails if the envelope is refused. */
  async call(op: string, data: Record<string, unknown>, options: CallOptions = {}): Promise<Answer> {
    const merchant = options.merchant ?? this.merchant;
    const response = await this.post(op, this.envelope(encryptData({ MerchantID: merchant.merchantId, ...data }, merchant), options), options.signal);
    const envelope = await envelopeOf(response);
    if (envelope.TransCode !== 1) throw new Error(`envelope refused: ${envelope.TransMsg}`);
    return { status: response.status, envelope, data: decryptData(envelope.Data, merchant) as Answer['data'] };
  }
}

/** An Issue request's Data that passes every rule: member carrier, one item. Override what a test is about. */
export function issueData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RelateNumber: `T${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    CustomerEmail: 'buyer@example.com',
    Print: '0',
    Donation: '0',
    CarrierType: '1',
    CarrierNum: '',
    TaxType: '1',
    SalesAmount: 300,
    Items: [
      { ItemSeq: 1, ItemName: '有機米 2kg', ItemCount: 2, ItemWord: '包', ItemPrice: 120, ItemTaxType: '1', ItemAmount: 240 },
      { ItemSeq: 2, ItemName: '運費', ItemCount: 1, ItemWord: '式', ItemPrice: 60, ItemTaxType: '1', ItemAmount: 60 },
    ],
    InvType: '07',
    vat: '1',
    ...overrides,
  };
}
