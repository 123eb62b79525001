// Failures of a QPay call, one class per kind so callers can decide what is retryable and what to show.
// None of them ever holds key material: messages are built from service names, codes and bank text only.
import { resultCodeOf } from './bank-answers';
import type { SinopacService } from './messages';

export type SinopacEndpoint = 'Nonce' | 'Order';

export abstract class SinopacError extends Error {
  readonly service: SinopacService;

  constructor(service: SinopacService, message: string, options?: ErrorOptions) {
    super(`${service}: ${message}`, options);
    this.service = service;
  }
}

/** The message we were asked to send breaks the protocol's rules; nothing was sent to the bank. */
export class SinopacRequestError extends SinopacError {
  override name = 'SinopacRequestError';
  readonly issues: readonly string[];

  constructor(service: SinopacService, issues: readonly string[]) {
    super(service, `invalid request: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

export type TransportFailure = 'timeout' | 'network' | 'http_status' | 'bad_body';

/** No usable answer came back. Whether the bank acted on an Order call is unknown: query before retrying. */
export class SinopacTransportError extends SinopacError {
  override name = 'SinopacTransportError';
  readonly reason: TransportFailure;
  readonly endpoint: SinopacEndpoint;
  readonly httpStatus: number | undefined;

  constructor(
    service: SinopacService,
    details: { reason: TransportFailure; endpoint: SinopacEndpoint; message: string; httpStatus?: number },
    options?: ErrorOptions,
  ) {
    super(service, `${details.endpoint} call failed (${details.reason}): ${details.message}`, options);
    this.reason = details.reason;
    this.endpoint = details.endpoint;
    this.httpStatus = details.httpStatus;
  }
}

export type ProtocolFailure = 'bad_signature' | 'undecryptable' | 'bad_message' | 'mismatch';

/** An answer came back but cannot be trusted or understood; its content must not be acted on. */
export class SinopacProtocolError extends SinopacError {
  override name = 'SinopacProtocolError';
  readonly reason: ProtocolFailure;

  constructor(service: SinopacService, reason: ProtocolFailure, message: string, options?: ErrorOptions) {
    super(service, `untrusted response (${reason}): ${message}`, options);
    this.reason = reason;
  }
}

/** The bank answered, authentically, with Status "F". */
export class SinopacBusinessError extends SinopacError {
  override name = 'SinopacBusinessError';
  /** The bank's code such as "E0302", when the Description carries one. */
  readonly code: string | undefined;
  /** The Description exactly as the bank sent it. */
  readonly description: string;

  constructor(service: SinopacService, description: string | undefined) {
    const text = description ?? '';
    super(service, `the bank refused: ${text || '(no description)'}`);
    this.description = text;
    this.code = resultCodeOf(text);
  }
}

/**
 * A failed call in the terms the shop decides by:
 * - refused: the bank answered, authentically, no (with its code when the Description has one);
 * - not_sent: the request broke the protocol's rules and never left the shop;
 * - no_answer: nothing usable came back, so whether the bank acted is unknown;
 * - untrusted: an answer came back that cannot be trusted or understood, so it is not acted on.
 * Undefined for an error that is not the bank's (a defect), which callers pass on.
 */
export type BankFailure =
  | { kind: 'refused'; code: string | undefined; description: string }
  | { kind: 'not_sent'; detail: string }
  | { kind: 'no_answer'; reason: TransportFailure; detail: string }
  | { kind: 'untrusted'; reason: ProtocolFailure; detail: string };

export function bankFailureOf(error: unknown): BankFailure | undefined {
  if (error instanceof SinopacBusinessError) return { kind: 'refused', code: error.code, description: error.description };
  if (error instanceof SinopacRequestError) return { kind: 'not_sent', detail: error.message };
  if (error instanceof SinopacTransportError) return { kind: 'no_answer', reason: error.reason, detail: error.message };
  if (error instanceof SinopacProtocolError) return { kind: 'untrusted', reason: error.reason, detail: error.message };
  return undefined;
}
