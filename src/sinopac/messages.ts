// Schemas of the QPay envelope and service messages (docs/sinopac-protocol.md §1, §4).
// Requests are strict: we only send what the bank documents, in the documented shape.
// Responses are lenient about extra members and nulls, and strict about what the shop relies on.
import { z } from 'zod';

export const sinopacServices = ['OrderCreate', 'OrderQuery', 'OrderPayQuery', 'OrderMaintain', 'BillQuery'] as const;
export type SinopacService = (typeof sinopacServices)[number];

/** What callers pass: the client fills in ShopNo. Distributes over unions so PayType still discriminates. */
export type WithoutShopNo<T> = T extends unknown ? Omit<T, 'ShopNo'> : never;

// ---------------------------------------------------------------------------------------------
// Building blocks

const FORBIDDEN_CHARS = /['"%]/;

/** Free text the bank limits to `maxBytes` (limits are ambiguous between characters and bytes, §4). */
function bankText(maxBytes: number) {
  return z
    .string()
    .min(1)
    .refine((v) => Buffer.byteLength(v, 'utf8') <= maxBytes, `must be at most ${maxBytes} UTF-8 bytes`)
    .refine((v) => !FORBIDDEN_CHARS.test(v), 'must not contain \', " or %')
    // The bank signs values untrimmed but forbids surrounding spaces (§3 step 4).
    .refine((v) => v === v.trim(), 'must not start or end with whitespace');
}

function bankUrl() {
  return bankText(255).refine((v) => URL.canParse(v) && /^https?:/i.test(v), 'must be an http(s) URL');
}

const orderNo = z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'must be 1-50 letters, digits, "_" or "-"');
const shopNo = bankText(20);

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const yyyyMMdd = z
  .string()
  .regex(/^\d{8}$/, 'must be yyyyMMdd')
  .refine((v) => isCalendarDate(+v.slice(0, 4), +v.slice(4, 6), +v.slice(6, 8)), 'must be a calendar date');

const yyyyMMddHHmm = z
  .string()
  .regex(/^\d{12}$/, 'must be yyyyMMddHHmm')
  .refine(
    (v) => isCalendarDate(+v.slice(0, 4), +v.slice(4, 6), +v.slice(6, 8)) && +v.slice(8, 10) < 24 && +v.slice(10, 12) < 60,
    'must be a calendar date and time',
  );

/** NT$ × 100 in whole dollars: positive, at most 9 digits, ending in 00 (§4.1, E0401). */
const requestAmount = z.number().int().positive().max(999_999_900).multipleOf(100);

/** The most one ATM virtual account can collect, in TWD×100: NT$30,000 (E0403). */
export const ATM_MAX_AMOUNT = 3_000_000;

/** The bank sends amounts as numbers, except OrderPayQuery's, which are digit strings; both become integers. */
const responseAmount = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d{1,15}$/, 'must be a string of digits').transform(Number),
]);

/** Secondary amounts (staging, bonus) are empty when zero (§4.3). */
const optionalResponseAmount = z
  .union([responseAmount, z.literal(''), z.null()])
  .optional()
  .transform((v) => (v === '' || v === null ? undefined : v));

/** A field the shop does not rely on: the bank sends null for unset ones. */
const optionalText = z.string().nullish().transform((v) => v ?? undefined);

const status = z.enum(['S', 'F']);
const payType = z.enum(['A', 'C']);

// ---------------------------------------------------------------------------------------------
// Envelope and nonce (§1)

const hex = /^[0-9A-Fa-f]+$/;

export const envelopeSchema = z.object({
  Version: z.literal('1.0.0'),
  ShopNo: z.string().min(1),
  APIService: z.string().min(1),
  Nonce: z.string().min(1),
  Sign: z.string().regex(/^[0-9A-Fa-f]{64}$/, 'must be 64 hex digits'),
  Message: z.string().regex(hex, 'must be hex'),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export const nonceRequestSchema = z.strictObject({ ShopNo: shopNo });

// The nonce is opaque (§1.1), but it feeds the IV and Sign as text, so it must be printable ASCII.
export const nonceResponseSchema = z.object({ Nonce: z.string().regex(/^[\x21-\x7e]{1,512}$/, 'must be printable ASCII') });

/** The members every response message carries; read first so failures need not match the success shape. */
export const responseStatusSchema = z.object({
  Status: status,
  Description: optionalText,
});

// ---------------------------------------------------------------------------------------------
// OrderCreate (§4.1, §4.2)

const orderCreateCommon = {
  ShopNo: shopNo,
  OrderNo: orderNo,
  CurrencyID: z.literal('TWD').default('TWD'),
  PrdtName: bankText(60),
  Memo: bankText(30).optional(),
  Param1: bankText(255).optional(),
  Param2: bankText(255).optional(),
  Param3: bankText(255).optional(),
  ReturnURL: bankUrl(),
  BackendURL: bankUrl().optional(),
};

const atmOrderCreateRequestSchema = z.strictObject({
  ...orderCreateCommon,
  Amount: requestAmount.max(ATM_MAX_AMOUNT),
  PayType: z.literal('A'),
  ATMParam: z.strictObject({ ExpireDate: yyyyMMdd }),
});

const cardOrderCreateRequestSchema = z.strictObject({
  ...orderCreateCommon,
  Amount: requestAmount,
  PayType: z.literal('C'),
  CardParam: z.strictObject({
    AutoBilling: z.enum(['Y', 'N']),
    // Spec range; the sandbox accepts only 1-7 (§4.1 disagreement), which the bank reports as E1001.
    ExpBillingDays: z.number().int().min(1).max(21).optional(),
    ExpMinutes: z.number().int().min(1).max(30).optional(),
  }),
});

export const orderCreateRequestSchema = z.discriminatedUnion('PayType', [
  atmOrderCreateRequestSchema,
  cardOrderCreateRequestSchema,
]);
export type OrderCreateParams = WithoutShopNo<z.input<typeof orderCreateRequestSchema>>;

const orderCreateResponseCommon = {
  ShopNo: z.string(),
  OrderNo: z.string(),
  TSNo: z.string().min(1),
  Amount: responseAmount,
  Status: status,
  Description: z.string(),
  Param1: optionalText,
  Param2: optionalText,
  Param3: optionalText,
};

export const orderCreateResponseSchema = z.discriminatedUnion('PayType', [
  z.object({
    ...orderCreateResponseCommon,
    PayType: z.literal('A'),
    ATMParam: z.object({
      AtmPayNo: z.string().regex(/^\d{1,14}$/, 'must be the virtual account digits'),
      WebAtmURL: optionalText,
      OtpURL: optionalText,
    }),
  }),
  z.object({
    ...orderCreateResponseCommon,
    PayType: z.literal('C'),
    CardParam: z.object({ CardPayURL: z.url({ protocol: /^https?$/ }) }),
  }),
]);
export type OrderCreateResponse = z.output<typeof orderCreateResponseSchema>;

// ---------------------------------------------------------------------------------------------
// OrderQuery (§4.3)

export const orderQueryRequestSchema = z
  .strictObject({
    ShopNo: shopNo,
    OrderNo: orderNo.optional(),
    PayType: payType.optional(),
    OrderDateTimeS: yyyyMMddHHmm.optional(),
    OrderDateTimeE: yyyyMMddHHmm.optional(),
    PayDateTimeS: yyyyMMddHHmm.optional(),
    PayDateTimeE: yyyyMMddHHmm.optional(),
    PayFlag: z.enum(['Y', 'N', 'O']).optional(),
  })
  .superRefine((q, ctx) => {
    const { ShopNo: _shop, ...conditions } = q;
    if (Object.values(conditions).every((v) => v === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs at least one query condition (E2101)' });
    }
    for (const [start, end] of [
      ['OrderDateTimeS', 'OrderDateTimeE'],
      ['PayDateTimeS', 'PayDateTimeE'],
    ] as const) {
      const s = q[start];
      const e = q[end];
      if ((s === undefined) !== (e === undefined)) {
        ctx.addIssue({ code: 'custom', path: [s === undefined ? start : end], message: `${start} and ${end} go together` });
      } else if (s !== undefined && e !== undefined && s > e) {
        // Fixed-width digit strings order the same as the dates they encode.
        ctx.addIssue({ code: 'custom', path: [end], message: `${end} must not be before ${start}` });
      }
    }
  });
export type OrderQueryParams = WithoutShopNo<z.input<typeof orderQueryRequestSchema>>;

export const orderQueryEntrySchema = z.object({
  OrderNo: z.string(),
  TSNo: z.string(),
  Amount: responseAmount,
  PayType: z.string(),
  PayStatus: z.string().regex(/^[0-9A-Z]{5}$/, 'must be a 5-character PayStatus'),
  TSDate: optionalText,
  ApprovedDate: optionalText,
  PayDate: optionalText,
  ExpireDate: optionalText,
  RefundFlag: optionalText,
  RefundStatus: optionalText,
  RefundDate: optionalText,
  PrdtName: optionalText,
  Memo: optionalText,
  Param1: optionalText,
  Param2: optionalText,
  Param3: optionalText,
  ATMParam: z
    .object({
      AtmPayNo: optionalText,
      WebAtmURL: optionalText,
      OtpURL: optionalText,
      BankNo: optionalText,
      AcctNo: optionalText,
    })
    .nullish()
    .transform((v) => v ?? undefined),
  CardParam: z
    .object({
      CardPayURL: optionalText,
      StagingFirstAmount: optionalResponseAmount,
      StagingEachAmount: optionalResponseAmount,
      BonusCount: optionalResponseAmount,
      BonusAmount: optionalResponseAmount,
      BonusPayAmount: optionalResponseAmount,
      BonusLastCount: optionalResponseAmount,
      LeftCCNo: optionalText,
      RightCCNo: optionalText,
      AuthCode: optionalText,
      CCExpDate: optionalText,
      CCToken: optionalText,
    })
    .nullish()
    .transform((v) => v ?? undefined),
});
export type OrderQueryEntry = z.output<typeof orderQueryEntrySchema>;

export const orderQueryResponseSchema = z.object({
  ShopNo: z.string(),
  Date: optionalText,
  Status: status,
  Description: z.string(),
  // "S0001 – no data" may come without a list at all.
  OrderList: z
    .array(orderQueryEntrySchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type OrderQueryResponse = z.output<typeof orderQueryResponseSchema>;

// ---------------------------------------------------------------------------------------------
// OrderPayQuery (§4.4)

export const orderPayQueryRequestSchema = z.strictObject({
  ShopNo: shopNo,
  PayToken: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be 1-100 printable ASCII characters'),
});
export type OrderPayQueryParams = WithoutShopNo<z.input<typeof orderPayQueryRequestSchema>>;

export const payResultSchema = z.object({
  APType: z.string(),
  TSNo: z.string(),
  OrderNo: z.string(),
  ShopNo: z.string(),
  PayType: z.string(),
  Amount: responseAmount,
  Status: status,
  Description: optionalText,
  Param1: optionalText,
  Param2: optionalText,
  Param3: optionalText,
  LeftCCNo: optionalText,
  RightCCNo: optionalText,
  CCExpDate: optionalText,
  CCToken: optionalText,
  PayDate: optionalText,
  MasterOrderNo: optionalText,
});
export type PayResult = z.output<typeof payResultSchema>;

export const orderPayQueryResponseSchema = z.object({
  ShopNo: z.string(),
  PayToken: z.string(),
  Date: optionalText,
  Status: status,
  Description: z.string(),
  TSResultContent: payResultSchema,
});
export type OrderPayQueryResponse = z.output<typeof orderPayQueryResponseSchema>;

// ---------------------------------------------------------------------------------------------
// OrderMaintain (§4.5, from the bank's sample toolkits; unverified against the bank)

export const orderMaintainRequestSchema = z
  .strictObject({
    ShopNo: shopNo,
    OrderNo: orderNo,
    Command: z.enum(['C', 'R', 'P']),
    Amount: requestAmount.optional(),
    // No documented limit; 255 bytes matches the other free-text members.
    Remark: bankText(255).optional(),
  })
  .refine((m) => m.Amount === undefined || m.Command === 'R', {
    path: ['Amount'],
    message: 'Amount is the refund amount and only goes with Command R',
  });
export type OrderMaintainParams = WithoutShopNo<z.input<typeof orderMaintainRequestSchema>>;

export const orderMaintainResponseSchema = z.object({
  ShopNo: z.string(),
  OrderNo: z.string(),
  TSNo: optionalText,
  Command: optionalText,
  Amount: optionalResponseAmount,
  Date: optionalText,
  Status: status,
  Description: z.string(),
});
export type OrderMaintainResponse = z.output<typeof orderMaintainResponseSchema>;

// ---------------------------------------------------------------------------------------------
// BillQuery (§4.5, from the bank's sample toolkits; unverified against the bank)
//
// What is assumed, since no public source shows a real answer:
// - BillDate is sent as `yyyyMMdd`, the format of every other date the bank takes (CS comments say
//   `yyMMdd`, most likely a typo, §4.5); it is the Taipei calendar day asked about.
// - TSDate and PayDate are kept as the bank wrote them (text, or a number turned into text), since
//   their format is unknown (`yyyyMMddHHmm` like the other services, or CS's `yyMMddHHmm`). The
//   settlement reads them with parseBankDateTime and never trusts one it cannot read.
// - TSType is P (a collection) or R (a refund); anything else is an answer we do not understand.
// - Amount is TWD×100 like everywhere else, as a number or a digit string.

/** A date or time whose format is unknown: text as sent (a number becomes its digits), or undefined. */
const bankDateText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || String(v).trim() === '' ? undefined : String(v).trim()));

export const billQueryRequestSchema = z.strictObject({ ShopNo: shopNo, BillDate: yyyyMMdd });
export type BillQueryParams = WithoutShopNo<z.input<typeof billQueryRequestSchema>>;

const billLineSchema = z.object({
  TSNo: optionalText,
  OrderNo: z.string().min(1),
  TSType: z.enum(['P', 'R']),
  TSDate: bankDateText,
  PayDate: bankDateText,
  PayType: optionalText,
  Amount: responseAmount,
  Param1: optionalText,
  Param2: optionalText,
  Param3: optionalText,
});

export const billQueryResponseSchema = z.object({
  ShopNo: z.string(),
  Date: bankDateText,
  BillDate: bankDateText,
  Status: status,
  Description: z.string(),
  // A day with nothing may come without a list at all, like OrderQuery's "S0001 – no data".
  OrderList: z
    .array(billLineSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type BillQueryResponse = z.output<typeof billQueryResponseSchema>;
