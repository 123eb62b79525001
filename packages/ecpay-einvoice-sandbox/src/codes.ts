// The RtnCode values the sandbox answers (PROTOCOL.md §Error codes). Where the specification lists
// no code for a refusal the sandbox must make, it uses INVALID_FIELD or VOID_WINDOW_CLOSED, its own
// choices, documented in the README.
export const RTN = {
  SUCCESS: 1,
  INVOICE_NOT_FOUND: 2,
  TRACK_EXHAUSTED: 1100040,
  INVALID_FIELD: 1200000,
  BAD_TAX_ID: 1200125,
  ALLOWANCE_OVER_REMAINING: 2000034,
  ALLOWANCE_NOT_FOUND: 2000039,
  ALLOWANCE_ALREADY_VOID: 2000063,
  BAD_LOVE_CODE: 2020001,
  NO_CLEARANCE_MARK: 5000007,
  CARRIER_WITH_PRINT: 5000015,
  WRONG_SALES_AMOUNT: 5000022,
  TAX_ID_WITHOUT_PRINT_OR_CARRIER: 5000028,
  ONLINE_ALLOWANCE_AGREED: 5070250,
  DUPLICATE_RELATE_NUMBER: 5070357,
  VOID_HAS_ALLOWANCE: 5070450,
  ALREADY_VOID: 5070453,
  VOID_WINDOW_CLOSED: 5070500,
  MOF_UNAVAILABLE: 9000001,
  SYSTEM_ERROR: 9999999,
} as const;

export const RTN_MESSAGES: Record<number, string> = {
  [RTN.INVOICE_NOT_FOUND]: '查無發票資料，請重新確認',
  [RTN.TRACK_EXHAUSTED]: '發票字軌已用完',
  [RTN.INVALID_FIELD]: '欄位資料格式錯誤',
  [RTN.BAD_TAX_ID]: '統一編號格式錯誤',
  [RTN.ALLOWANCE_OVER_REMAINING]: '無足夠金額可以折讓',
  [RTN.ALLOWANCE_NOT_FOUND]: '查無折讓單資料，請確認!',
  [RTN.ALLOWANCE_ALREADY_VOID]: '該折讓單已作廢過',
  [RTN.BAD_LOVE_CODE]: '捐贈碼為3~7碼純數字',
  [RTN.NO_CLEARANCE_MARK]: '零稅率發票須填寫通關方式',
  [RTN.CARRIER_WITH_PRINT]: '使用載具時不可列印發票',
  [RTN.WRONG_SALES_AMOUNT]: '驗證發票金額發現錯誤，與商品合計金額不符',
  [RTN.TAX_ID_WITHOUT_PRINT_OR_CARRIER]: '有統一編號且不列印時須使用載具',
  [RTN.ONLINE_ALLOWANCE_AGREED]: '無法取消已經同意的線上折讓單',
  [RTN.DUPLICATE_RELATE_NUMBER]: 'B2C開立發票 自訂編號重覆',
  [RTN.VOID_HAS_ALLOWANCE]: '該發票已被折讓過，無法直接作廢',
  [RTN.ALREADY_VOID]: '該發票已被作廢過',
  [RTN.VOID_WINDOW_CLOSED]: '已超過發票作廢期限，請改開立折讓',
  [RTN.MOF_UNAVAILABLE]: '呼叫財政部API失敗',
  [RTN.SYSTEM_ERROR]: '系統異常',
};

/** A business refusal: answered as TransCode 1 with this RtnCode inside the encrypted Data. */
export class EinvoiceRefusal extends Error {
  constructor(
    readonly code: number,
    detail?: string,
  ) {
    const base = RTN_MESSAGES[code] ?? RTN_MESSAGES[RTN.SYSTEM_ERROR]!;
    super(detail ? `${base}：${detail}` : base);
    this.name = 'EinvoiceRefusal';
  }
}
