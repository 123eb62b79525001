// A minimal QPay bank on a real HTTP port, speaking the real crypto (docs/sinopac-protocol.md §1–§4),
// with switches for the failures a client has to survive. The sandbox (the sinopac-sandbox package) is the bank of
// the tests; this one stays only for answers the sandbox cannot give (tests/README.md lists them).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptMessage, encryptMessage, hashId, ivFromNonce, sign, type HashKeys } from '../../src/sinopac/crypto';

type Json = Record<string, unknown>;
type Endpoint = 'Nonce' | 'Order';

export interface RecordedCall {
  endpoint: Endpoint;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordedOrder {
  service: string;
  requestNonce: string;
  responseNonce?: string;
  message: Json;
  signValid: boolean;
}

export type Responder = (service: string, message: Json) => Json;

/** Test switches; each one breaks one thing about the next answers. */
export interface Misbehaviour {
  hang?: Endpoint;
  httpStatus?: { endpoint: Endpoint; status: number };
  rawBody?: { endpoint: Endpoint; body: string };
  /** Rewrite the answer envelope after it was correctly built. */
  envelope?: (envelope: Record<string, string>) => Record<string, string>;
  /** Sign one message but encrypt another, as if the content were changed in flight. */
  swapMessage?: (message: Json) => Json;
  /** Encrypt with the request nonce's IV while announcing a new nonce. */
  encryptWithRequestNonce?: boolean;
}

const DOTNET_EPOCH_OFFSET_MS = 62_135_596_800_000;
const TAIPEI_OFFSET_MS = 8 * 3_600_000;

/** The bank's format (§1.1): Base64 of "<ms since 0001-01-01, Taipei>.<d>:<64 hex>". */
function mintNonce(): string {
  const ms = Date.now() + DOTNET_EPOCH_OFFSET_MS + TAIPEI_OFFSET_MS;
  return Buffer.from(`${ms}.${ms % 10}:${randomBytes(32).toString('hex')}`).toString('base64');
}

export class FakeBank {
  readonly calls: RecordedCall[] = [];
  readonly orders: RecordedOrder[] = [];
  misbehaviour: Misbehaviour = {};
  respond: Responder;

  readonly #server: Server;
  readonly #hashId: string;
  readonly #shopNo: string;
  readonly #liveNonces = new Set<string>();

  private constructor(server: Server, options: { shopNo: string; hashKeys: HashKeys; respond: Responder }) {
    this.#server = server;
    this.#shopNo = options.shopNo;
    this.#hashId = hashId(options.hashKeys);
    this.respond = options.respond;
  }

  static async start(options: { shopNo: string; hashKeys: HashKeys; respond?: Responder }): Promise<FakeBank> {
    const server = createServer();
    const bank = new FakeBank(server, { ...options, respond: options.respond ?? simpleBank(options.shopNo) });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const endpoint = req.url?.replace(/^.*\//, '') as Endpoint;
        const body = Buffer.concat(chunks).toString('utf8');
        bank.calls.push({ endpoint, headers: req.headers, body });
        let answer: { status: number; body: string } | undefined;
        try {
          answer = bank.#answer(req.method ?? '', endpoint, body);
        } catch (error) {
          // A request the fake cannot even read: surface it as a failed call rather than crash the test run.
          answer = { status: 400, body: JSON.stringify({ Message: String(error) }) };
        }
        if (answer === undefined) return; // hang: never answer
        res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return bank;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/funBIZ/QPay.WebAPI/api`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((err) => (err ? reject(err) : resolve())));
  }

  #answer(method: string, endpoint: Endpoint, body: string): { status: number; body: string } | undefined {
    const m = this.misbehaviour;
    if (m.hang === endpoint) return undefined;
    if (m.httpStatus?.endpoint === endpoint) return { status: m.httpStatus.status, body: '{"Message":"An error has occurred."}' };
    if (m.rawBody?.endpoint === endpoint) return { status: 200, body: m.rawBody.body };
    if (method !== 'POST') return { status: 405, body: '{}' };
    if (endpoint === 'Nonce') {
      const nonce = mintNonce();
      this.#liveNonces.add(nonce);
      return { status: 200, body: JSON.stringify({ Nonce: nonce }) };
    }
    if (endpoint === 'Order') return { status: 200, body: JSON.stringify(this.#order(JSON.parse(body) as Record<string, string>)) };
    return { status: 404, body: '{}' };
  }

  #order(envelope: Record<string, string>): Record<string, string> {
    const requestNonce = envelope.Nonce ?? '';
    // A nonce is good for one call only (§1.1).
    if (!this.#liveNonces.delete(requestNonce)) throw new Error(`fake bank: unknown or reused nonce`);
    const message = JSON.parse(decryptMessage(envelope.Message ?? '', this.#hashId, ivFromNonce(requestNonce))) as Json;
    const signValid = sign(message, requestNonce, this.#hashId) === envelope.Sign;
    const record: RecordedOrder = { service: envelope.APIService ?? '', requestNonce, message, signValid };
    this.orders.push(record);

    const reply = signValid
      ? this.respond(record.service, message)
      : { ShopNo: this.#shopNo, Status: 'F', Description: 'E0000 – 簽章驗證失敗' };
    const responseNonce = mintNonce();
    record.responseNonce = responseNonce;
    const m = this.misbehaviour;
    const encrypted = m.swapMessage ? m.swapMessage(reply) : reply;
    const iv = ivFromNonce(m.encryptWithRequestNonce ? requestNonce : responseNonce);
    const answer = {
      Version: '1.0.0',
      ShopNo: this.#shopNo,
      APIService: record.service,
      Nonce: responseNonce,
      Sign: sign(reply, responseNonce, this.#hashId),
      Message: encryptMessage(JSON.stringify(encrypted), this.#hashId, iv),
    };
    return m.envelope ? m.envelope(answer) : answer;
  }
}

const SUCCESS = 'S0000 – 處理成功';

/** Just enough bank behaviour for round trips: unique order numbers, queries, pay results, maintenance. */
export function simpleBank(shopNo: string): Responder {
  const orders = new Map<string, Json>();
  let sequence = 0;
  return (service, message) => {
    const orderNo = String(message.OrderNo ?? '');
    switch (service) {
      case 'OrderCreate': {
        if (orders.has(orderNo)) return { ShopNo: shopNo, OrderNo: orderNo, Status: 'F', Description: 'E0302 – 訂單編號重複' };
        const tsNo = `${shopNo.slice(0, 6)}${String(++sequence).padStart(8, '0')}`;
        orders.set(orderNo, { ...message, TSNo: tsNo });
        const bridge = `https://sandbox.sinopac.com/QPay.WebPaySite/Bridge`;
        const nested =
          message.PayType === 'A'
            ? { ATMParam: { AtmPayNo: `99922${String(sequence).padStart(9, '0')}`, WebAtmURL: `${bridge}/PayWebATM?TD=${tsNo}`, OtpURL: `${bridge}/PayOTP?TD=${tsNo}` } }
            : { CardParam: { CardPayURL: `${bridge}/PayCard?TD=${tsNo}` } };
        return { OrderNo: orderNo, ShopNo: shopNo, TSNo: tsNo, Amount: message.Amount, Status: 'S', Description: SUCCESS, PayType: message.PayType, ...nested };
      }
      case 'OrderQuery': {
        const found = [...orders.values()].filter((o) => !message.OrderNo || o.OrderNo === message.OrderNo);
        if (found.length === 0) return { ShopNo: shopNo, Date: '202405201432', Status: 'S', Description: 'S0001 – 處理成功，查無資料或是查詢條件組合不相符', OrderList: null };
        return {
          ShopNo: shopNo,
          Date: '202405201432',
          Status: 'S',
          Description: SUCCESS,
          OrderList: found.map((o) => ({
            OrderNo: o.OrderNo, TSNo: o.TSNo, TSDate: '202405201430', ApprovedDate: null, PayDate: null,
            Amount: o.Amount, PayType: o.PayType, PayStatus: o.PayType === 'A' ? '1A200' : '1C200',
            ExpireDate: '202405302359', RefundFlag: 'N', RefundStatus: null, RefundDate: null,
            PrdtName: o.PrdtName, Memo: o.Memo ?? null, Param1: o.Param1 ?? null, Param2: null, Param3: null,
            ATMParam: o.PayType === 'A' ? { AtmPayNo: '99922000000001', WebAtmURL: null, OtpURL: null, BankNo: '', AcctNo: '' } : null,
            CardParam: o.PayType === 'C' ? { CardPayURL: null, StagingFirstAmount: '', BonusAmount: null, LeftCCNo: '', RightCCNo: '' } : null,
          })),
        };
      }
      case 'OrderPayQuery':
        return {
          ShopNo: shopNo, PayToken: message.PayToken, Date: '202405201432', Status: 'S', Description: SUCCESS,
          TSResultContent: {
            APType: 'PayOut', TSNo: `${shopNo.slice(0, 6)}00000999`, OrderNo: 'C202405200001', ShopNo: shopNo, PayType: 'C',
            Amount: '129900', Status: 'S', Description: '', Param1: 'member=42', Param2: null, Param3: null,
            LeftCCNo: '499937', RightCCNo: '3145', CCExpDate: '3012', CCToken: null, PayDate: '202405201431',
          },
        };
      case 'OrderMaintain':
        return {
          OrderNo: orderNo, ShopNo: shopNo, TSNo: `${shopNo.slice(0, 6)}00000001`, Command: message.Command,
          Amount: message.Amount ?? null, Date: '202405201500', Status: 'S', Description: SUCCESS,
        };
      default:
        return { ShopNo: shopNo, Status: 'F', Description: 'E3401 – 服務名稱錯誤' };
    }
  };
}
