// The sandbox's result codes. Families follow the bank spec (docs/sinopac-protocol.md §6); where the public
// spec names only a family, the exact number is the sandbox's own choice and is documented here.
const TEXTS = {
  S0000: '處理成功',
  S0001: '處理成功，查無資料或是查詢條件組合不相符',
  E0000: '安全簽章驗證失敗',
  E0001: '資料格式錯誤',
  E0101: '商店代號不存在',
  E0102: '訊息中的商店代號與電文不符',
  E0103: 'X-KeyID 驗證失敗',
  E0301: '訂單編號未填或長度超過 50',
  E0302: '訂單編號重複',
  E0303: '訂單編號含有不允許的字元',
  E0401: '金額須為正整數且末兩位為 00',
  E0402: '金額超過 9 位數',
  E0403: '虛擬帳號金額超過上限',
  E0500: '幣別錯誤',
  E0601: '付款方式未填',
  E0602: '付款方式未開通',
  E0701: '商品名稱未填',
  E0702: '商品名稱長度超過 60',
  E0703: '商品名稱含有不允許的字元',
  E0800: '虛擬帳號繳費期限未填或格式錯誤',
  E0801: '虛擬帳號繳費期限已過',
  E0802: '虛擬帳號繳費期限超過 30 天',
  E0901: '自動請款參數錯誤',
  E1001: '自動請款天數須為 1 到 7',
  E1101: '付款連結有效分鐘數須為 1 到 30',
  E1201: 'ReturnURL 未填',
  E1202: 'ReturnURL 長度超過 255',
  E1203: 'ReturnURL 格式錯誤或含有不允許的字元',
  E1301: 'BackendURL 長度超過 255',
  E1302: 'BackendURL 格式錯誤或含有不允許的字元',
  E1401: '備註長度超過 30',
  E1402: '備註含有不允許的字元',
  E1501: 'Param1 長度超過 255',
  E1502: 'Param1 含有不允許的字元',
  E1601: 'Param2 長度超過 255',
  E1602: 'Param2 含有不允許的字元',
  E1701: 'Param3 長度超過 255',
  E1702: 'Param3 含有不允許的字元',
  E1800: '維護指令未填',
  E1801: '維護指令錯誤',
  E1802: '此付款方式不支援此維護指令',
  E1901: '訂單起始時間格式錯誤',
  E1902: '訂單結束時間格式錯誤',
  E1903: '訂單起訖時間須同時提供',
  E1904: '訂單起始時間晚於結束時間',
  E2001: '訂單目前狀態不允許此操作',
  E2101: '查詢條件不足',
  E2102: '付款狀態查詢條件錯誤',
  E2401: 'PayToken 未填或格式錯誤',
  E2402: 'PayToken 不存在',
  E2601: '查無訂單資料',
  E2701: '信用卡授權失敗',
  E2901: '帳務日期未填或格式錯誤',
  E2902: '帳務日期不可晚於今日',
  E3001: 'Nonce 無效',
  E3002: 'Nonce 不合法（已使用或來源不符）',
  E3003: 'Nonce 已逾時',
  E3201: '付款起始時間格式錯誤',
  E3202: '付款結束時間格式錯誤',
  E3203: '付款起始時間晚於結束時間',
  E3204: '付款起訖時間須同時提供',
  E3301: '版本錯誤',
  E3401: 'APIService 錯誤',
  E3501: '訊息內容錯誤',
  E9920: '訂單已全額退款',
  E9921: '退款金額超過可退餘額',
  E9999: '系統錯誤',
} as const;

export type ResultCode = keyof typeof TEXTS;
export const resultCodes = Object.keys(TEXTS) as [ResultCode, ...ResultCode[]];

/** `code – text` with the EN DASH and spaces the bank uses (and signs). */
export function describe(code: ResultCode): string {
  return `${code} \u2013 ${TEXTS[code]}`;
}

/** A business rejection: answered as an encrypted envelope with Status "F". */
export class BankError extends Error {
  override name = 'BankError';
  constructor(readonly code: ResultCode) {
    super(describe(code));
  }
}

/** A request the sandbox cannot answer with an envelope (no JSON, unknown shop): plain JSON and an HTTP error status. */
export class HttpRejection extends Error {
  override name = 'HttpRejection';
  constructor(readonly status: number, readonly code: ResultCode) {
    super(describe(code));
  }

  get body() {
    return { Status: 'F', Code: this.code, Description: describe(this.code) };
  }
}
