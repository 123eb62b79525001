// A deliberately small SinoPac protocol client for the sandbox tests, built only on crypto.ts, so the
// tests can also send what a correct client never would (bad signs, reused nonces, odd plaintexts).
import { request } from 'node:http';
import { deriveHashId, ivOf, seal, signOf, unseal, type HashKeys } from '../../src/crypto';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** Source address of the connection, e.g. 127.0.0.2 to call from another loopback IP. */
  localAddress?: string;
  /** Abandon the request after this long (rejects with an Error named TimeoutError). */
  timeoutMs?: number;
}

/** One POST on a fresh connection (no keep-alive, so nothing lingers after a test). */
export function postRaw(url: string, body: string, options: PostOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', ...options.headers },
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => {
        const error = new Error(`no answer within ${options.timeoutMs} ms`);
        error.name = 'TimeoutError';
        req.destroy(error);
      });
    }
    req.end(body);
  });
}

export type Envelope = Record<string, string>;
export type Message = Record<string, unknown>;

export interface CallOptions extends PostOptions {
  /** Use this nonce instead of fetching a fresh one. */
  nonce?: string;
  /** X-KeyID to send; null sends none; default is the client's own key id. */
  keyId?: string | null;
  /** Encrypt exactly this text instead of JSON.stringify(message) (the Sign is still computed from message). */
  plaintext?: string;
  /** Replace envelope members after the envelope was built. */
  envelope?: Record<string, unknown>;
}

export interface CallResult {
  status: number;
  envelope: Envelope;
  /** The decrypted response Message, whose Sign was verified with the response nonce. */
  message: Message;
  /** The decrypted plaintext, exactly as the sandbox encrypted it. */
  plaintext: string;
}

export interface ClientConfig {
  apiUrl: string;
  shopNo: string;
  hashKeys: HashKeys;
  keyId?: string;
}

export class SandboxProtocolClient {
  readonly hashId: string;

  constructor(readonly config: ClientConfig) {
    this.hashId = deriveHashId(config.hashKeys);
  }

  #headers(keyId: string | null | undefined): Record<string, string> {
    const id = keyId === undefined ? this.config.keyId : keyId;
    return id ? { 'X-KeyID': id } : {};
  }

  nonceRaw(body: unknown, options: CallOptions = {}): Promise<HttpReply> {
    return postRaw(`${this.config.apiUrl}/Nonce`, JSON.stringify(body), { ...options, headers: this.#headers(options.keyId) });
  }

  async nonce(options: CallOptions = {}): Promise<string> {
    const reply = await this.nonceRaw({ ShopNo: this.config.shopNo }, options);
    if (reply.status !== 200) throw new Error(`Nonce call answered HTTP ${reply.status}: ${reply.text}`);
    return (JSON.parse(reply.text) as { Nonce: string }).Nonce;
  }

  buildEnvelope(service: string, message: Message, nonce: string, options: CallOptions = {}): Record<string, unknown> {
    const plaintext = options.plaintext ?? JSON.stringify(message);
    return {
      Version: '1.0.0',
      ShopNo: this.config.shopNo,
      APIService: service,
      Nonce: nonce,
      Sign: signOf(message, nonce, this.hashId),
      Message: seal(plaintext, this.hashId, ivOf(nonce)),
      ...options.envelope,
    };
  }

  /** Sends a service message and opens the answer; throws unless the answer is a verified envelope. */
  async call(service: string, message: Message, options: CallOptions = {}): Promise<CallResult> {
    const reply = await this.send(service, message, options);
    if (reply.status !== 200) throw new Error(`Order call answered HTTP ${reply.status}: ${reply.text}`);
    const envelope = JSON.parse(reply.text) as Envelope;
    return { status: reply.status, envelope, ...this.open(envelope) };
  }

  async send(service: string, message: Message, options: CallOptions = {}): Promise<HttpReply> {
    const nonce = options.nonce ?? (await this.nonce(options));
    const envelope = this.buildEnvelope(service, message, nonce, options);
    return postRaw(`${this.config.apiUrl}/Order`, JSON.stringify(envelope), { ...options, headers: this.#headers(options.keyId) });
  }

  open(envelope: Envelope): { message: Message; plaintext: string } {
    const plaintext = unseal(envelope.Message!, this.hashId, ivOf(envelope.Nonce!));
    const message = JSON.parse(plaintext) as Message;
    const expected = signOf(message, envelope.Nonce!, this.hashId);
    if (expected !== envelope.Sign) throw new Error('response Sign does not match its Message');
    return { message, plaintext };
  }
}

/** The result code at the start of a Description such as "E0401 – ...". */
export function resultCode(message: Message): string {
  const match = /^([SEM]\d{4}) \u2013 /.exec(String(message.Description));
  if (!match) throw new Error(`Description is not "code – text": ${String(message.Description)}`);
  return match[1]!;
}
