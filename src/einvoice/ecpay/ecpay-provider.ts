// ECPay as the shop's e-invoice provider (../provider.ts): each of the shop's questions as the ECPay
// operation that answers it, and ECPay's answers read back into the shop's terms. ECPay's own words
// stay in this folder (tests/unit/einvoice-boundary.test.ts).
import { z } from 'zod';
import { TAIPEI_OFFSET_MS, taipeiDate } from '../../time/taipei';
import type { AllowanceRequest, InvoiceProvider, InvoiceRef, IssuedAllowance, IssuedInvoice, IssueRequest } from '../provider';
import { EcpayInvoiceClient, EcpayRefusedError, type EcpayClientOptions, type EcpayOperation } from './client';
import { issueData } from './issue-data';

/** RelateNumber already used: the invoice exists (docs/einvoice.md). */
const DUPLICATE_REFERENCE = 5070357;
/** The invoice was voided before. */
const ALREADY_VOID = 5070453;
/** GetIssue: 查無發票資料. */
const NO_SUCH_INVOICE = 2;
/** Reason is at most 20 characters (no source gives more for certain; kept short). */
const REASON_LENGTH = 20;

/** "yyyy-MM-dd HH:mm:ss" (or with + or T between) in Taiwan time, as ECPay dates invoices. */
function parseEcpayTime(text: string): Date | undefined {
  const parts = /^(\d{4})-(\d{2})-(\d{2})[ +T](\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - TAIPEI_OFFSET_MS);
}

const ecpayTime = z.string().transform((text, context) => {
  const time = parseEcpayTime(text);
  if (!time) context.addIssue({ code: 'custom', message: `not a date: ${text}` });
  return time ?? new Date(0);
});
const wholeTwd = z.coerce.number().int().nonnegative();

const issueAnswer = z.looseObject({ InvoiceNo: z.string().regex(/^[A-Z]{2}\d{8}$/), InvoiceDate: ecpayTime, RandomNumber: z.string().regex(/^\d{4}$/) });
const getIssueAnswer = z.looseObject({
  IIS_Number: z.string().regex(/^[A-Z]{2}\d{8}$/),
  IIS_Create_Date: ecpayTime,
  IIS_Random_Number: z.coerce.string().regex(/^\d{4}$/),
  IIS_Sales_Amount: wholeTwd,
  IIS_Invalid_Status: z.coerce.string().optional(),
  IIS_Remain_Allowance_Amt: wholeTwd.optional(),
});
const allowanceAnswer = z.looseObject({ IA_Allow_No: z.coerce.string().min(1), IA_Date: ecpayTime, IA_Remain_Allowance_Amt: wholeTwd.optional() });
const existsAnswer = z.looseObject({ IsExist: z.string().optional(), OrganName: z.string().optional() });

function read<T>(operation: EcpayOperation, schema: z.ZodType<T>, answer: unknown): T {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new EcpayRefusedError(operation, 'Data', `unexpected answer: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  return parsed.data;
}

export class EcpayProvider implements InvoiceProvider {
  readonly name = 'ecpay';
  private readonly client: EcpayInvoiceClient;

  constructor(options: EcpayClientOptions) {
    this.client = new EcpayInvoiceClient(options);
  }

  async issue(request: IssueRequest): Promise<IssuedInvoice> {
    const answer = await this.client.call('Issue', issueData(request), [DUPLICATE_REFERENCE]);
    if (answer.RtnCode === DUPLICATE_REFERENCE) {
      const held = await this.findByReference(request.reference);
      if (!held) throw new EcpayRefusedError('Issue', DUPLICATE_REFERENCE, `${answer.RtnMsg ?? ''} (and GetIssue finds no invoice for it)`);
      return held;
    }
    const issued = read('Issue', issueAnswer, answer);
    return { number: issued.InvoiceNo, issuedAt: issued.InvoiceDate, randomNumber: issued.RandomNumber, totalTwd: request.totalTwd, voided: false, remainingTwd: request.totalTwd };
  }

  async findByReference(reference: string): Promise<IssuedInvoice | undefined> {
    const answer = await this.client.call('GetIssue', { RelateNumber: reference }, [NO_SUCH_INVOICE]);
    if (answer.RtnCode === NO_SUCH_INVOICE) return undefined;
    const found = read('GetIssue', getIssueAnswer, answer);
    return {
      number: found.IIS_Number,
      issuedAt: found.IIS_Create_Date,
      randomNumber: found.IIS_Random_Number,
      totalTwd: found.IIS_Sales_Amount,
      voided: found.IIS_Invalid_Status === '1',
      remainingTwd: found.IIS_Remain_Allowance_Amt,
    };
  }

  async void(invoice: InvoiceRef, reason: string): Promise<void> {
    await this.client.call('Invalid', { InvoiceNo: invoice.number, InvoiceDate: taipeiDate(invoice.issuedAt), Reason: Array.from(reason).slice(0, REASON_LENGTH).join('') }, [ALREADY_VOID]);
  }

  async issueAllowance(request: AllowanceRequest): Promise<IssuedAllowance> {
    const answer = await this.client.call('Allowance', {
      InvoiceNo: request.invoice.number,
      InvoiceDate: taipeiDate(request.invoice.issuedAt),
      AllowanceNotify: 'E',
      CustomerName: Array.from(request.buyerName).slice(0, 60).join(''),
      NotifyMail: request.notifyEmail,
      AllowanceAmount: request.amountTwd,
      Items: [{ ItemSeq: 1, ItemName: request.lineName, ItemCount: 1, ItemWord: '式', ItemPrice: request.amountTwd, ItemTaxType: '1', ItemAmount: request.amountTwd }],
    });
    const made = read('Allowance', allowanceAnswer, answer);
    return { number: made.IA_Allow_No, issuedAt: made.IA_Date, remainingTwd: made.IA_Remain_Allowance_Amt };
  }

  async mobileBarcodeExists(barcode: string): Promise<boolean> {
    const answer = read('CheckBarcode', existsAnswer, await this.client.call('CheckBarcode', { BarCode: barcode }));
    return answer.IsExist === 'Y';
  }

  async donationCodeExists(code: string): Promise<{ exists: boolean; charity?: string }> {
    const answer = read('CheckLoveCode', existsAnswer, await this.client.call('CheckLoveCode', { LoveCode: code }));
    return { exists: answer.IsExist === 'Y', ...(answer.OrganName && { charity: answer.OrganName }) };
  }
}
