import { CryptoInputError, ivOf, seal, signOf, unseal } from './crypto';
import { BankError } from './codes';

export const API_VERSION = '1.0.0';

const MEMBERS = ['Version', 'ShopNo', 'APIService', 'Nonce', 'Sign', 'Message'] as const;
export type Envelope = Record<(typeof MEMBERS)[number], string>;
export type ServiceMessage = Record<string, unknown>;

/** The six string members of a request envelope (§1.2); anything else is E0001. */
export function readEnvelope(body: Record<string, unknown>): Envelope {
  const envelope = {} as Envelope;
  for (const name of MEMBERS) {
    const value = body[name];
    if (typeof value !== 'string' || value === '') throw new BankError('E0001');
    envelope[name] = value;
  }
  return envelope;
}

/** Decrypts the Message with the request nonce and verifies the Sign with the bank's .NET rule (§2.3, §3). */
export function openMessage(envelope: Envelope, hashIdText: string): ServiceMessage {
  let plaintext: string;
  try {
    plaintext = unseal(envelope.Message, hashIdText, ivOf(envelope.Nonce));
  } catch (error) {
    if (error instanceof CryptoInputError) throw new BankError('E3501');
    throw error;
  }
  let message: unknown;
  try {
    // JSON.parse reads PHP json_encode output (\uXXXX, \/) as readily as raw UTF-8.
    message = JSON.parse(plaintext);
  } catch {
    throw new BankError('E3501');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) throw new BankError('E3501');
  const expected = signOf(message as ServiceMessage, envelope.Nonce, hashIdText);
  if (envelope.Sign.toUpperCase() !== expected) throw new BankError('E0000');
  return message as ServiceMessage;
}

/** A response envelope: compact raw-UTF-8 JSON encrypted and signed with a fresh nonce (§1.3, §2.4). */
export function sealMessage(
  head: { shopNo: string; apiService: string },
  message: ServiceMessage,
  hashIdText: string,
  nonce: string,
): Envelope {
  return {
    Version: API_VERSION,
    ShopNo: head.shopNo,
    APIService: head.apiService,
    Nonce: nonce,
    Sign: signOf(message, nonce, hashIdText),
    Message: seal(JSON.stringify(message), hashIdText, ivOf(nonce)),
  };
}
