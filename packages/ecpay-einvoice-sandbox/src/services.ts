// One function per B2C service: the decrypted request Data in, the reply Data out. Refusals are
// thrown as EinvoiceRefusal and become `{RtnCode, RtnMsg}` in api-routes.ts.
import { z } from 'zod';
import { EinvoiceRefusal, RTN } from './codes';
import { allowanceStatus, remainingAllowable, type Invoice, type InvoiceBook } from './invoices';
import { checkIssue, checkItems, issueSchema, LOVE_CODE, MOBILE_BARCODE, parseFields } from './issue-rules';
import { rocPeriod, taiwanDateTime } from './taiwan-time';

export interface ServiceContext {
  merchantId: string;
  book: InvoiceBook;
  now: Date;
}

type Reply = Record<string, unknown>;
type Service = (data: Record<string, unknown>, ctx: ServiceContext) => Reply;

/**
 * Donation codes CheckLoveCode knows: real, well-known charities, but sandbox data (ECPay asks the
 * Ministry of Finance's list, which the sandbox cannot). Any other code answers IsExist N.
 */
export const KNOWN_LOVE_CODES: Record<string, string> = {
  '919': '財團法人創世社會福利基金會',
  '876': '財團法人心路社會福利基金會',
  '8585': '財團法人台灣兒童暨家庭扶助基金會',
  '25885': '財團法人伊甸社會福利基金會',
  // The shop's checkout offers these two as one tap, under these names.
  '88888': '中華民國兒童癌症基金會',
  '2085': '台灣兒童暨家庭扶助基金會（北台南家扶中心）',
};

/** Mobile barcodes CheckBarcode answers IsExist N for; every other well-formed barcode exists. */
export const UNREGISTERED_BARCODES = ['/0000000'];

const invoiceNo = z.string().regex(/^[A-Z]{2}\d{8}$/, 'InvoiceNo: 2 uppercase letters and 8 digits');
const invoiceDate = z.string().regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/, 'InvoiceDate: yyyy-MM-dd');
const allowanceNo = z.string().regex(/^\d{16}$/, 'AllowanceNo: 16 digits');
const reason = z.string().min(1).max(20);
const ok = (RtnMsg: string): Reply => ({ RtnCode: RTN.SUCCESS, RtnMsg });

const getIssueSchema = z.union([
  z.object({ RelateNumber: z.string().min(1).max(30) }),
  z.object({ InvoiceNo: invoiceNo, InvoiceDate: invoiceDate }),
]);
const invalidSchema = z.object({ InvoiceNo: invoiceNo, InvoiceDate: invoiceDate, Reason: reason });
const allowanceSchema = z.object({
  InvoiceNo: invoiceNo,
  InvoiceDate: invoiceDate,
  AllowanceNotify: z.enum(['S', 'E', 'A', 'N']),
  CustomerName: z.string().max(60).optional(),
  NotifyMail: z.string().max(100).optional(),
  NotifyPhone: z.string().max(20).optional(),
  AllowanceAmount: z.number().int().positive(),
  Reason: z.string().max(20).optional(),
  Items: issueSchema.shape.Items,
});
const onlineAllowanceSchema = allowanceSchema.extend({ ReturnURL: z.url({ protocol: /^https?$/ }).max(200) });
const allowanceInvalidSchema = z.object({ InvoiceNo: invoiceNo, AllowanceNo: allowanceNo, Reason: reason });
const getAllowanceSchema = z.object({ InvoiceNo: invoiceNo, AllowanceNo: allowanceNo });
const notifySchema = z.object({
  InvoiceNo: invoiceNo,
  AllowanceNo: allowanceNo.optional(),
  Phone: z.string().max(20).optional(),
  NotifyMail: z.string().max(100).optional(),
  Notify: z.enum(['S', 'E', 'A']),
  InvoiceTag: z.enum(['I', 'II', 'A', 'AI', 'AW', 'OA']),
  Notified: z.enum(['C', 'M', 'A']),
});

/** GetIssue's answer, with the fields of the captured fixture PROTOCOL.md lists. */
function issueDetails(invoice: Invoice, now: Date): Reply {
  const r = invoice.request;
  return {
    ...ok('查詢成功'),
    IIS_Mer_ID: invoice.merchantId,
    IIS_Number: invoice.invoiceNo,
    IIS_Relate_Number: r.RelateNumber,
    IIS_Customer_ID: r.CustomerID ?? '',
    IIS_Identifier: r.CustomerIdentifier || '0000000000',
    IIS_Customer_Name: r.CustomerName ?? '',
    IIS_Customer_Addr: r.CustomerAddr ?? '',
    IIS_Customer_Phone: r.CustomerPhone ?? '',
    IIS_Customer_Email: r.CustomerEmail ?? '',
    IIS_Clearance_Mark: r.ClearanceMark ?? '',
    IIS_Type: r.InvType,
    IIS_Category: 'B2C',
    IIS_Tax_Type: r.TaxType,
    IIS_Tax_Rate: 0.05,
    IIS_Tax_Amount: invoice.taxAmount,
    IIS_Sales_Amount: r.SalesAmount,
    IIS_Check_Number: '',
    IIS_Carrier_Type: r.CarrierType,
    IIS_Carrier_Num: invoice.carrierNum,
    IIS_Love_Code: r.LoveCode ?? '',
    IIS_IP: '127.0.0.1',
    IIS_Create_Date: taiwanDateTime(invoice.issuedAt),
    IIS_Issue_Status: '1',
    IIS_Invalid_Status: invoice.voided ? '1' : '0',
    IIS_Upload_Status: '0',
    IIS_Upload_Date: '',
    IIS_Turnkey_Status: '',
    IIS_Remain_Allowance_Amt: remainingAllowable(invoice, now),
    IIS_Print_Flag: r.Print,
    IIS_Award_Flag: '',
    IIS_Award_Type: 0,
    IIS_Random_Number: invoice.randomNumber,
    InvoiceRemark: r.InvoiceRemark ?? '',
    QRCode_Left: '',
    QRCode_Right: '',
    PosBarCode: `${rocPeriod(invoice.issuedAt)}${invoice.invoiceNo}${invoice.randomNumber}`,
    SpecialTaxType: r.SpecialTaxType ?? 0,
    Items: r.Items,
  };
}

/** A paper allowance, or an online one when `returnUrl` is given: the checks both share. */
function makeAllowance(request: z.infer<typeof allowanceSchema>, { merchantId, book, now }: ServiceContext, returnUrl?: string) {
  const notify = request.AllowanceNotify;
  if ((notify === 'E' || notify === 'A') && !request.NotifyMail) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'NotifyMail: required for AllowanceNotify E or A');
  if ((notify === 'S' || notify === 'A') && !request.NotifyPhone) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'NotifyPhone: required for AllowanceNotify S or A');
  checkItems(request.Items, request.AllowanceAmount, 'AllowanceAmount', RTN.INVALID_FIELD);
  const invoice = book.find(merchantId, request.InvoiceNo, request.InvoiceDate);
  const allowance = book.allow(invoice, {
    amount: request.AllowanceAmount,
    items: request.Items,
    notify,
    ...(request.CustomerName ? { customerName: request.CustomerName } : {}),
    ...(returnUrl ? { returnUrl } : {}),
  }, now);
  return { invoice, allowance };
}

export const SERVICES: Record<string, Service> = {
  Issue(data, { merchantId, book, now }) {
    const request = parseFields(issueSchema, data);
    checkIssue(request);
    const invoice = book.issue(merchantId, request, now);
    return {
      ...ok('開立發票成功'),
      InvoiceNo: invoice.invoiceNo,
      InvoiceDate: taiwanDateTime(invoice.issuedAt),
      RandomNumber: invoice.randomNumber,
    };
  },

  GetIssue(data, { merchantId, book, now }) {
    const query = parseFields(getIssueSchema, data);
    const invoice = 'RelateNumber' in query ? book.byRelateNumber(merchantId, query.RelateNumber) : book.find(merchantId, query.InvoiceNo, query.InvoiceDate);
    if (!invoice) throw new EinvoiceRefusal(RTN.INVOICE_NOT_FOUND);
    return issueDetails(invoice, now);
  },

  Invalid(data, { merchantId, book, now }) {
    const request = parseFields(invalidSchema, data);
    const invoice = book.find(merchantId, request.InvoiceNo, request.InvoiceDate);
    book.void(invoice, request.Reason, now);
    return { ...ok('作廢發票成功'), InvoiceNo: invoice.invoiceNo };
  },

  Allowance(data, ctx) {
    const request = parseFields(allowanceSchema, data);
    const { invoice, allowance } = makeAllowance(request, ctx);
    return {
      ...ok('折讓開立成功'),
      IA_Allow_No: allowance.allowanceNo,
      IA_Invoice_No: invoice.invoiceNo,
      IA_Date: taiwanDateTime(allowance.createdAt),
      IA_Remain_Allowance_Amt: remainingAllowable(invoice, ctx.now),
    };
  },

  AllowanceByCollegiate(data, ctx) {
    const request = parseFields(onlineAllowanceSchema, data);
    if (request.AllowanceNotify !== 'E') throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'AllowanceNotify: E for an online allowance');
    const { invoice, allowance } = makeAllowance(request, ctx, request.ReturnURL);
    return {
      ...ok('線上折讓開立成功'),
      IA_Allow_No: allowance.allowanceNo,
      IA_Invoice_No: invoice.invoiceNo,
      IA_TempDate: taiwanDateTime(allowance.createdAt),
      IA_TempExpireDate: taiwanDateTime(allowance.online!.expiresAt),
      IA_Remain_Allowance_Amt: remainingAllowable(invoice, ctx.now),
    };
  },

  AllowanceInvalidByCollegiate(data, { merchantId, book, now }) {
    const request = parseFields(allowanceInvalidSchema, data);
    const invoice = book.find(merchantId, request.InvoiceNo);
    book.cancelOnline(book.findAllowance(invoice, request.AllowanceNo), request.Reason, now);
    return { ...ok('取消線上折讓成功'), IA_Invoice_No: invoice.invoiceNo };
  },

  AllowanceInvalid(data, { merchantId, book, now }) {
    const request = parseFields(allowanceInvalidSchema, data);
    const invoice = book.find(merchantId, request.InvoiceNo);
    book.voidAllowance(book.findAllowance(invoice, request.AllowanceNo), request.Reason, now);
    return { ...ok('作廢折讓成功'), IA_Invoice_No: invoice.invoiceNo };
  },

  GetAllowance(data, { merchantId, book, now }) {
    const request = parseFields(getAllowanceSchema, data);
    const invoice = book.find(merchantId, request.InvoiceNo);
    const allowance = book.findAllowance(invoice, request.AllowanceNo);
    return {
      ...ok('查詢成功'),
      IA_Allow_No: allowance.allowanceNo,
      IA_Invoice_No: invoice.invoiceNo,
      IA_Date: taiwanDateTime(allowance.online?.agreedAt ?? allowance.createdAt),
      IA_Invalid_Status: allowanceStatus(allowance, now) === 'void' ? '1' : '0',
      IA_Total_Amount: allowance.amount,
      IA_Remain_Allowance_Amt: remainingAllowable(invoice, now),
      Items: allowance.items,
    };
  },

  CheckBarcode(data) {
    const { BarCode } = parseFields(z.object({ BarCode: z.string() }), data);
    if (!MOBILE_BARCODE.test(BarCode)) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'BarCode: / and 7 of 0-9 A-Z . + -');
    return { ...ok('執行成功'), IsExist: UNREGISTERED_BARCODES.includes(BarCode) ? 'N' : 'Y' };
  },

  CheckLoveCode(data) {
    const { LoveCode } = parseFields(z.object({ LoveCode: z.string() }), data);
    if (!LOVE_CODE.test(LoveCode)) throw new EinvoiceRefusal(RTN.BAD_LOVE_CODE);
    const organ = KNOWN_LOVE_CODES[LoveCode];
    return { ...ok('執行成功'), IsExist: organ ? 'Y' : 'N', ...(organ ? { OrganName: organ } : {}) };
  },

  InvoiceNotify(data, { merchantId, book, now }) {
    const request = parseFields(notifySchema, data);
    if (request.Notify !== 'E' && !request.Phone) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'Phone: required for Notify S or A');
    if (request.Notify !== 'S' && !request.NotifyMail) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'NotifyMail: required for Notify E or A');
    const invoice = book.find(merchantId, request.InvoiceNo);
    const aboutAllowance = ['A', 'AI', 'OA'].includes(request.InvoiceTag);
    if (aboutAllowance) {
      if (!request.AllowanceNo) throw new EinvoiceRefusal(RTN.INVALID_FIELD, `AllowanceNo: required for InvoiceTag ${request.InvoiceTag}`);
      book.findAllowance(invoice, request.AllowanceNo);
    }
    book.notify(invoice, {
      tag: request.InvoiceTag,
      notify: request.Notify,
      notified: request.Notified,
      ...(aboutAllowance && request.AllowanceNo ? { allowanceNo: request.AllowanceNo } : {}),
      at: now,
    });
    return ok('發送通知成功');
  },
};

