// The QPay client: one nonce per call, signed and encrypted request, verified and validated response
// (docs/sinopac-protocol.md §1–§4). Anything the bank says is trusted only after its Sign checks out.
import { timingSafeEqual } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import { decryptMessage, encryptMessage, hashId, ivFromNonce, sign, SinopacCryptoError, type HashKeys } from './crypto';
import {
  SinopacBusinessError,
  SinopacProtocolError,
  SinopacRequestError,
  SinopacTransportError,
  type SinopacEndpoint,
  type TransportFailure,
} from './errors';
import {
  billQueryRequestSchema,
  billQueryResponseSchema,
  envelopeSchema,
  nonceRequestSchema,
  nonceResponseSchema,
  orderCreateRequestSchema,
  orderCreateResponseSchema,
  orderMaintainRequestSchema,
  orderMaintainResponseSchema,
  orderPayQueryRequestSchema,
  orderPayQueryResponseSchema,
  orderQueryRequestSchema,
  orderQueryResponseSchema,
  responseStatusSchema,
  type BillQueryParams,
  type BillQueryResponse,
  type Envelope,
  type OrderCreateParams,
  type OrderCreateResponse,
  type OrderMaintainParams,
  type OrderMaintainResponse,
  type OrderPayQueryParams,
  type OrderPayQueryResponse,
  type OrderQueryParams,
  type OrderQueryResponse,
  type SinopacService,
} from './messages';

export type ExchangeOutcome = 'ok' | 'business_error' | 'protocol_error' | 'transport_error';

/** One Order call, for the shop's audit trail. Holds plaintext messages only: no keys, Nonce or Sign. */
export interface SinopacExchange {
  service: SinopacService;
  orderNo?: string;
  /** The message as signed and sent. */
  request: Record<string, unknown>;
  /** The decrypted answer, even when its Sign or shape was rejected; undefined when none was decrypted. */
  response: Record<string, unknown> | undefined;
  durationMs: number;
  outcome: ExchangeOutcome;
  /** The bank's code (e.g. "E0302") for business errors, otherwise the failure reason (e.g. "timeout"). */
  errorCode?: string;
}

export interface SinopacClientOptions {
  /** Base URL, e.g. https://apisbx.sinopac.com/funBIZ/QPay.WebAPI/api; /Nonce and /Order are appended. */
  apiUrl: string;
  shopNo: string;
  hashKeys: HashKeys;
  /** Sent as X-KeyID on every request when set (required by the bank since 2023, §1). */
  keyId?: string;
  /** Upper bound for each HTTP request, including reading its body. */
  timeoutMs: number;
  /** How the envelopes travel; httpTransport unless given. */
  transport?: SinopacTransport;
  /** Called once per service call that reached the network, whatever its outcome. Its errors propagate. */
  onExchange?: (exchange: SinopacExchange) => void;
  /**
   * Whether a payment made with the bank's published test card counts (bank-answers.ts refuses it
   * when not): true unless a production shop runs outside test mode. Default true.
   */
  publishedTestCardPays?: boolean;
}

const API_VERSION = '1.0.0';

/** The bank takes a nonce for 60 s (§1.1); one fetched ahead is used only well within that. */
const NONCE_AHEAD_MAX_AGE_MS = 30_000;

/** A bank call whose nonce is already on its way: `send` it once its message is known. */
export interface PreparedCall<Params, Res> {
  send(params: Params): Promise<Res>;
}

/** One HTTP exchange with the bank: a JSON body posted, the answer's status and body. Rejects when no complete answer came. */
export type SinopacTransport = (url: string, request: { headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number; body: string }>;

/** Far above any answer the bank gives (a day's bill is the largest: about 17 MB at 100,000 lines); a longer one is cut off as broken. */
const MAX_ANSWER_BYTES = 128 * 1024 * 1024;

// node:http with kept-alive connections rather than fetch, whose streams took two to three times
// the CPU of an exchange here (issue 14). Redirects are not followed: the envelope goes to the
// configured host or nowhere. An idle connection is dropped a second before the server's announced
// keep-alive ends (Node honours the hint only when the agent has a timeout), and without a hint
// after 4 s, under the 5 s many servers keep: a call sent on a connection the server is closing is
// reset before it is read.
const keptAlive = { keepAlive: true, timeout: 4_000 };
const agents = { 'http:': new HttpAgent(keptAlive), 'https:': new HttpsAgent(keptAlive) } as const;

export const httpTransport: SinopacTransport = (url, { headers, body, signal }) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const req = send(
      target,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: agents[https ? 'https:' : 'http:'], signal },
      (res) => {
        const chunks: Buffer[] = [];
        let length = 0;
        let ended = false;
        res.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length > MAX_ANSWER_BYTES) return void req.destroy(new Error(`answer longer than ${MAX_ANSWER_BYTES} bytes`));
          chunks.push(chunk);
        });
        res.on('end', () => {
          ended = true;
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        // A connection cut (or the timeout's abort) while the body was coming.
        res.on('close', () => ended || reject(new Error('the answer was cut off')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

interface ServiceSpec<Res extends z.ZodType> {
  service: SinopacService;
  request: z.ZodType<Record<string, unknown>>;
  response: Res;
  /** Members the answer must repeat (as parsed: amounts may come as digit strings), so one order's answer is never taken for another's. */
  echoed: readonly string[];
}

const ORDER_CREATE = {
  service: 'OrderCreate',
  request: orderCreateRequestSchema,
  response: orderCreateResponseSchema,
  // Amount and PayType too: an answer for another amount or pay type must not become a pay link.
  echoed: ['ShopNo', 'OrderNo', 'Amount', 'PayType'],
} satisfies ServiceSpec<typeof orderCreateResponseSchema>;

const ORDER_QUERY = {
  service: 'OrderQuery',
  request: orderQueryRequestSchema,
  response: orderQueryResponseSchema,
  echoed: ['ShopNo'],
} satisfies ServiceSpec<typeof orderQueryResponseSchema>;

const ORDER_PAY_QUERY = {
  service: 'OrderPayQuery',
  request: orderPayQueryRequestSchema,
  response: orderPayQueryResponseSchema,
  echoed: ['ShopNo', 'PayToken'],
} satisfies ServiceSpec<typeof orderPayQueryResponseSchema>;

const ORDER_MAINTAIN = {
  service: 'OrderMaintain',
  request: orderMaintainRequestSchema,
  response: orderMaintainResponseSchema,
  echoed: ['ShopNo', 'OrderNo'],
} satisfies ServiceSpec<typeof orderMaintainResponseSchema>;

// BillDate is not checked as an echo: its format in the answer is unknown (§4.5); the bill's own
// caller compares the day it gets back.
const BILL_QUERY = {
  service: 'BillQuery',
  request: billQueryRequestSchema,
  response: billQueryResponseSchema,
  echoed: ['ShopNo'],
} satisfies ServiceSpec<typeof billQueryResponseSchema>;

export class SinopacClient {
  readonly shopNo: string;
  readonly publishedTestCardPays: boolean;
  // Private (#) so that neither key material nor the X-KeyID credential shows in logs, inspect() or JSON.
  readonly #hashId: string;
  readonly #keyId: string | undefined;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #transport: SinopacTransport;
  readonly #onExchange: ((exchange: SinopacExchange) => void) | undefined;

  constructor(options: SinopacClientOptions) {
    if (!URL.canParse(options.apiUrl) || !/^https?:\/\//i.test(options.apiUrl)) {
      throw new TypeError('apiUrl must be an absolute http(s) URL');
    }
    if (!nonceRequestSchema.safeParse({ ShopNo: options.shopNo }).success) {
      throw new TypeError('shopNo must be a non-empty shop number of at most 20 bytes');
    }
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError('timeoutMs must be a positive number');
    }
    if (options.keyId !== undefined && !/^[\x21-\x7e]+$/.test(options.keyId)) {
      throw new TypeError('keyId must be printable ASCII without spaces');
    }
    this.shopNo = options.shopNo;
    this.publishedTestCardPays = options.publishedTestCardPays ?? true;
    this.#hashId = hashId(options.hashKeys);
    this.#keyId = options.keyId;
    this.#baseUrl = options.apiUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs;
    this.#transport = options.transport ?? httpTransport;
    this.#onExchange = options.onExchange;
  }

  orderCreate(params: OrderCreateParams): Promise<OrderCreateResponse> {
    return this.#call(ORDER_CREATE, params);
  }

  /**
   * OrderCreate in two steps: its nonce is asked for now and the message sent once it is known, so
   * that the nonce's round trip overlaps what the shop does in between (writing the attempt). One
   * never sent costs nothing: an unused nonce lapses at the bank.
   */
  prepareOrderCreate(): PreparedCall<OrderCreateParams, OrderCreateResponse> {
    const nonce = this.#nonceAhead(ORDER_CREATE.service);
    return { send: (params) => this.#call(ORDER_CREATE, params, nonce) };
  }

  orderQuery(params: OrderQueryParams): Promise<OrderQueryResponse> {
    return this.#call(ORDER_QUERY, params);
  }

  /** TSResultContent.Amount comes back as an integer (NT$ × 100), although the bank sends a digit string. */
  orderPayQuery(params: OrderPayQueryParams): Promise<OrderPayQueryResponse> {
    return this.#call(ORDER_PAY_QUERY, params);
  }

  orderMaintain(params: OrderMaintainParams): Promise<OrderMaintainResponse> {
    return this.#call(ORDER_MAINTAIN, params);
  }

  /** One Taipei day's collections and refunds (§4.5). Dates in the lines stay text: their format is unknown. */
  billQuery(params: BillQueryParams): Promise<BillQueryResponse> {
    return this.#call(BILL_QUERY, params);
  }

  /**
   * A nonce fetched ahead, handed to one call: a second call, or one made when it has been held so
   * long that it may have lapsed, fetches its own. Its failure surfaces in the call that uses it.
   */
  #nonceAhead(service: SinopacService): () => Promise<string> {
    const askedAt = performance.now();
    const fetching = this.#fetchNonce(service);
    // Awaited by the call, or never, when the shop decides not to make it.
    fetching.catch(() => undefined);
    let taken = false;
    return () => {
      const fresh = !taken && performance.now() - askedAt < NONCE_AHEAD_MAX_AGE_MS;
      taken = true;
      return fresh ? fetching : this.#fetchNonce(service);
    };
  }

  async #call<Res extends z.ZodType>(spec: ServiceSpec<Res>, params: object, nonceAhead?: () => Promise<string>): Promise<z.output<Res>> {
    const { service } = spec;
    // Validated before fetching a nonce: a message the bank would reject is never sent.
    const parsed = spec.request.safeParse(compact({ ...params, ShopNo: this.shopNo }));
    if (!parsed.success) throw new SinopacRequestError(service, describeIssues(parsed.error));
    const request = parsed.data;

    const started = performance.now();
    let response: Record<string, unknown> | undefined;
    try {
      const requestNonce = await (nonceAhead ? nonceAhead() : this.#fetchNonce(service));
      const envelope = await this.#postOrder(service, request, requestNonce);
      response = this.#open(service, envelope);
      this.#verify(service, envelope, response);
      const result = interpret(spec, request, response);
      this.#report({ service, request, response, started, outcome: 'ok' });
      return result;
    } catch (error) {
      this.#report({ service, request, response, started, ...classify(error) });
      throw error;
    }
  }

  async #fetchNonce(service: SinopacService): Promise<string> {
    let body: unknown;
    try {
      body = await this.#post(service, 'Nonce', { ShopNo: this.shopNo });
    } catch (error) {
      // A Nonce changes nothing at the bank, so one lost on the way is asked for once more: a
      // kept-alive connection the bank closed as it was reused is reset before any answer.
      if (!(error instanceof SinopacTransportError) || error.reason !== 'network') throw error;
      body = await this.#post(service, 'Nonce', { ShopNo: this.shopNo });
    }
    const parsed = nonceResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new SinopacTransportError(service, { reason: 'bad_body', endpoint: 'Nonce', message: 'answer has no usable Nonce' });
    }
    return parsed.data.Nonce;
  }

  async #postOrder(service: SinopacService, message: Record<string, unknown>, nonce: string): Promise<Envelope> {
    const request: Envelope = {
      Version: API_VERSION,
      ShopNo: this.shopNo,
      APIService: service,
      Nonce: nonce,
      Sign: sign(message, nonce, this.#hashId),
      Message: encryptMessage(JSON.stringify(message), this.#hashId, ivFromNonce(nonce)),
    };
    const body = await this.#post(service, 'Order', request);
    const parsed = envelopeSchema.safeParse(body);
    if (!parsed.success) {
      throw new SinopacTransportError(service, { reason: 'bad_body', endpoint: 'Order', message: 'answer is not a QPay envelope' });
    }
    return parsed.data;
  }

  /** Decrypts the answer with the IV of the bank's new nonce (§2.4). */
  #open(service: SinopacService, envelope: Envelope): Record<string, unknown> {
    if (envelope.ShopNo !== this.shopNo || envelope.APIService !== service) {
      throw new SinopacProtocolError(service, 'mismatch', 'envelope is for another shop or service');
    }
    let plaintext: string;
    try {
      plaintext = decryptMessage(envelope.Message, this.#hashId, ivFromNonce(envelope.Nonce));
    } catch (error) {
      if (error instanceof SinopacCryptoError) throw new SinopacProtocolError(service, 'undecryptable', error.message, { cause: error });
      throw error;
    }
    let message: unknown;
    try {
      message = JSON.parse(plaintext);
    } catch {
      throw new SinopacProtocolError(service, 'bad_message', 'decrypted Message is not JSON');
    }
    if (!isPlainObject(message)) throw new SinopacProtocolError(service, 'bad_message', 'decrypted Message is not a JSON object');
    return message;
  }

  #verify(service: SinopacService, envelope: Envelope, message: Record<string, unknown>): void {
    const expected = Buffer.from(sign(message, envelope.Nonce, this.#hashId), 'ascii');
    const received = Buffer.from(envelope.Sign.toUpperCase(), 'ascii');
    if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
      throw new SinopacProtocolError(service, 'bad_signature', 'Sign does not match the decrypted Message');
    }
  }

  async #post(service: SinopacService, endpoint: SinopacEndpoint, body: unknown): Promise<unknown> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.#keyId !== undefined) headers['X-KeyID'] = this.#keyId;
    const failure = (reason: TransportFailure, message: string, extra?: { httpStatus?: number; cause?: unknown }) =>
      new SinopacTransportError(service, { reason, endpoint, message, httpStatus: extra?.httpStatus }, { cause: extra?.cause });
    const lost = (cause: unknown) =>
      signal.aborted
        ? failure('timeout', `no complete answer within ${this.#timeoutMs} ms`, { cause })
        : failure('network', 'request failed before an answer arrived', { cause });

    let answer: { status: number; body: string };
    try {
      answer = await this.#transport(`${this.#baseUrl}/${endpoint}`, { headers, body: JSON.stringify(body), signal });
    } catch (error) {
      throw lost(error);
    }
    if (answer.status !== 200) throw failure('http_status', `HTTP status ${answer.status}`, { httpStatus: answer.status });
    try {
      return JSON.parse(answer.body);
    } catch {
      throw failure('bad_body', 'answer is not JSON');
    }
  }

  #report(details: {
    service: SinopacService;
    request: Record<string, unknown>;
    response: Record<string, unknown> | undefined;
    started: number;
    outcome: ExchangeOutcome;
    errorCode?: string;
  }): void {
    if (!this.#onExchange) return;
    const { service, request, response, started, outcome, errorCode } = details;
    const orderNo = orderNoOf(request, response);
    this.#onExchange({
      service,
      ...(orderNo !== undefined && { orderNo }),
      request,
      response,
      durationMs: Math.round(performance.now() - started),
      outcome,
      ...(errorCode !== undefined && { errorCode }),
    });
  }
}

/** Status first, because a refusal need not have the shape of a success (§1.3). */
function interpret<Res extends z.ZodType>(
  spec: ServiceSpec<Res>,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
): z.output<Res> {
  const { service } = spec;
  const status = responseStatusSchema.safeParse(response);
  if (!status.success) throw new SinopacProtocolError(service, 'bad_message', describeIssues(status.error).join('; '));
  if (status.data.Status === 'F') throw new SinopacBusinessError(service, status.data.Description);

  const parsed = spec.response.safeParse(response);
  if (!parsed.success) throw new SinopacProtocolError(service, 'bad_message', describeIssues(parsed.error).join('; '));
  const answered = parsed.data as Record<string, unknown>;
  for (const member of spec.echoed) {
    if (answered[member] !== request[member]) {
      throw new SinopacProtocolError(service, 'mismatch', `${member} in the answer differs from the request`);
    }
  }
  return parsed.data;
}

function classify(error: unknown): { outcome: ExchangeOutcome; errorCode?: string } {
  if (error instanceof SinopacBusinessError) return { outcome: 'business_error', errorCode: error.code };
  if (error instanceof SinopacTransportError) return { outcome: 'transport_error', errorCode: error.reason };
  if (error instanceof SinopacProtocolError) return { outcome: 'protocol_error', errorCode: error.reason };
  // Anything else is a defect in this module; like a protocol failure, the answer was not acted on.
  return { outcome: 'protocol_error' };
}

function orderNoOf(request: Record<string, unknown>, response: Record<string, unknown> | undefined): string | undefined {
  if (typeof request.OrderNo === 'string') return request.OrderNo;
  // OrderPayQuery is asked by PayToken; the order only shows up in the answer.
  const result = response?.TSResultContent;
  return isPlainObject(result) && typeof result.OrderNo === 'string' ? result.OrderNo : undefined;
}

/** Drops what the bank should never see: undefined, null, blank strings and objects left empty (§2.3, §3). */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const kept = isPlainObject(member) ? compact(member) : member;
    if (kept === undefined || kept === null) continue;
    if (typeof kept === 'string' && kept.trim() === '') continue;
    if (isPlainObject(kept) && Object.keys(kept).length === 0) continue;
    out[key] = kept;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`);
}
