// What an Issue request must hold (PROTOCOL.md §Issue and §Business rules), checked in the order a
// client most needs to hear about: the fields' shapes, then who receives the invoice, then amounts.
import { z } from 'zod';
import { EinvoiceRefusal, RTN } from './codes';
import { isValidTaxId } from './tax-id';

export const MOBILE_BARCODE = /^\/[0-9A-Z.+-]{7}$/;
const CITIZEN_CERTIFICATE = /^[A-Z]{2}\d{14}$/;
export const LOVE_CODE = /^\d{3,7}$/;

const itemSchema = z.object({
  ItemSeq: z.number().int().min(1).max(999),
  ItemName: z.string().min(1).max(100),
  ItemCount: z.number().positive(),
  ItemWord: z.string().min(1).max(6),
  ItemPrice: z.number(),
  ItemTaxType: z.enum(['1', '2', '3']).optional(),
  ItemAmount: z.number(),
  ItemRemark: z.string().max(120).optional(),
});

export type InvoiceItem = z.infer<typeof itemSchema>;

export const issueSchema = z.object({
  RelateNumber: z.string().regex(/^[A-Za-z0-9]{1,30}$/, 'RelateNumber: 1–30 letters or digits'),
  CustomerID: z.string().regex(/^[A-Za-z0-9_]{0,20}$/).optional(),
  CustomerIdentifier: z.string().optional(),
  CustomerName: z.string().max(60).optional(),
  CustomerAddr: z.string().max(100).optional(),
  CustomerPhone: z.string().max(20).optional(),
  CustomerEmail: z.string().max(80).optional(),
  ClearanceMark: z.enum(['', '1', '2']).optional(),
  Print: z.enum(['0', '1']),
  Donation: z.enum(['0', '1']),
  LoveCode: z.string().optional(),
  CarrierType: z.enum(['', '1', '2', '3', '4', '5']),
  CarrierNum: z.string().max(64).optional(),
  CarrierNum2: z.string().max(64).optional(),
  TaxType: z.enum(['1', '2', '3', '4', '9']),
  SpecialTaxType: z.number().int().min(0).max(8).optional(),
  SalesAmount: z.number().int().positive(),
  TaxAmount: z.number().int().min(0).optional(),
  InvoiceRemark: z.string().max(200).optional(),
  Items: z.array(itemSchema).min(1).max(999),
  InvType: z.enum(['07', '08']),
  vat: z.enum(['0', '1']).optional(),
});

export type IssueRequest = z.infer<typeof issueSchema>;

/** Parses with `schema`, refusing with INVALID_FIELD naming the first field that does not fit. */
export function parseFields<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new EinvoiceRefusal(RTN.INVALID_FIELD, `${issue.path.join('.') || 'Data'}: ${issue.message}`);
}

const filled = (value: string | undefined): value is string => value !== undefined && value !== '';

function checkRecipient(r: IssueRequest): void {
  const taxId = filled(r.CustomerIdentifier) ? r.CustomerIdentifier : undefined;
  if (taxId !== undefined && !isValidTaxId(taxId)) throw new EinvoiceRefusal(RTN.BAD_TAX_ID, `CustomerIdentifier ${taxId}`);

  if (r.Donation === '1') {
    if (!filled(r.LoveCode) || !LOVE_CODE.test(r.LoveCode)) throw new EinvoiceRefusal(RTN.BAD_LOVE_CODE, 'LoveCode');
    if (r.Print === '1') throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'Print: 捐贈發票不可列印 (a donated invoice is not printed)');
    if (taxId !== undefined) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CustomerIdentifier: 捐贈發票不可有統一編號 (a donated invoice has no tax ID)');
  } else if (filled(r.LoveCode)) {
    throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'LoveCode: only with Donation=1');
  }

  const carrier = r.CarrierType;
  if (carrier === '' || carrier === '1') {
    if (filled(r.CarrierNum) && carrier === '') throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CarrierNum: empty without a carrier');
  } else if (carrier === '2') {
    if (!CITIZEN_CERTIFICATE.test(r.CarrierNum ?? '')) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CarrierNum: 自然人憑證 is 2 uppercase letters and 14 digits');
  } else if (carrier === '3') {
    if (!MOBILE_BARCODE.test(r.CarrierNum ?? '')) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CarrierNum: 手機條碼 is / and 7 of 0-9 A-Z . + -');
  } else if (!filled(r.CarrierNum) || !filled(r.CarrierNum2)) {
    throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CarrierNum and CarrierNum2: the card\'s hidden and visible numbers');
  }

  if (taxId !== undefined) {
    if (carrier === '' && r.Print === '0') throw new EinvoiceRefusal(RTN.TAX_ID_WITHOUT_PRINT_OR_CARRIER);
    if (carrier !== '' && carrier !== '3' && r.Print === '1') throw new EinvoiceRefusal(RTN.CARRIER_WITH_PRINT);
  } else {
    if (carrier !== '' && r.Print === '1') throw new EinvoiceRefusal(RTN.CARRIER_WITH_PRINT);
    if (carrier === '' && r.Print === '0' && r.Donation === '0') {
      throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'Print: 無載具、未捐贈的發票須列印 (with no carrier and no donation the invoice is printed)');
    }
  }
  if (r.Print === '1' && (!filled(r.CustomerName) || !filled(r.CustomerAddr))) {
    throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CustomerName and CustomerAddr: required to print');
  }
  if (!filled(r.CustomerPhone) && !filled(r.CustomerEmail)) {
    throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'CustomerPhone or CustomerEmail: at least one');
  }
}

function checkTax(r: IssueRequest): void {
  const itemTypes = new Set(r.Items.map((item) => item.ItemTaxType));
  if (r.TaxType === '9') {
    if (itemTypes.has(undefined)) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'ItemTaxType: required on every item when TaxType=9');
    if (!itemTypes.has('1') || itemTypes.size !== 2) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'ItemTaxType: TaxType=9 mixes 1 with 2 or with 3');
  }
  const zeroRated = r.TaxType === '2' || (r.TaxType === '9' && itemTypes.has('2'));
  if (zeroRated && !filled(r.ClearanceMark)) throw new EinvoiceRefusal(RTN.NO_CLEARANCE_MARK);
  const special = r.TaxType === '4';
  if (special !== (r.InvType === '08') || special !== (r.SpecialTaxType !== undefined && r.SpecialTaxType > 0)) {
    throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'TaxType 4, InvType 08 and a SpecialTaxType go together');
  }
}

/** Item amounts against count × price and their sum against SalesAmount (PROTOCOL.md rule 3). */
export function checkItems(items: InvoiceItem[], total: number, totalName: string, wrongTotal: number): void {
  const seqs = new Set(items.map((item) => item.ItemSeq));
  if (seqs.size !== items.length) throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'ItemSeq: unique per item');
  for (const item of items) {
    if (Math.abs(item.ItemAmount - item.ItemCount * item.ItemPrice) >= 1) {
      throw new EinvoiceRefusal(RTN.INVALID_FIELD, `ItemAmount of item ${item.ItemSeq}: ItemCount × ItemPrice`);
    }
  }
  const sum = Math.round(items.reduce((total, item) => total + item.ItemAmount, 0));
  if (sum !== total) throw new EinvoiceRefusal(wrongTotal, `${totalName} ${total} ≠ Σ ItemAmount ${sum}`);
}

/** Refuses an Issue request that breaks a business rule; the RelateNumber's uniqueness is the book's. */
export function checkIssue(r: IssueRequest): void {
  checkRecipient(r);
  checkTax(r);
  checkItems(r.Items, r.SalesAmount, 'SalesAmount', RTN.WRONG_SALES_AMOUNT);
}
