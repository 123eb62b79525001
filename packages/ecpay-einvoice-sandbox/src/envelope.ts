// The JSON envelope around `Data` (PROTOCOL.md §Transport and encryption): what a request must carry
// before its Data is read, and the shape of every answer.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { decryptText, formDecode, type EinvoiceMerchant } from './crypto';

/** TransCode of an envelope the sandbox could not accept; ECPay documents only 1 (success), so this value is the sandbox's choice. */
export const ENVELOPE_REFUSED = 999_999;
const TIMESTAMP_VALIDITY_S = 600;

/** The request could not be read as far as its Data: answered with TransCode ENVELOPE_REFUSED and an empty Data. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

const envelopeSchema = z.object({
  MerchantID: z.union([z.string().min(1), z.number().int()]).transform(String),
  RqHeader: z.object({
    Timestamp: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
    Revision: z.string().nullish(),
  }),
  Data: z.string().min(1),
});

export interface OpenedRequest {
  merchant: EinvoiceMerchant;
  data: Record<string, unknown>;
}

/** Checks the envelope, the merchant and the timestamp, and decrypts Data. */
export function openRequest(body: unknown, merchants: readonly EinvoiceMerchant[], now: Date): OpenedRequest {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new EnvelopeError(`request envelope: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const { MerchantID, RqHeader, Data } = envelope.data;
  const merchant = merchants.find((m) => m.merchantId === MerchantID);
  if (!merchant) throw new EnvelopeError(`unknown MerchantID ${MerchantID}`);
  if (Math.abs(now.getTime() / 1000 - RqHeader.Timestamp) > TIMESTAMP_VALIDITY_S) {
    throw new EnvelopeError('RqHeader.Timestamp is more than 10 minutes away from the server\'s time');
  }
  let plain: string;
  try {
    plain = decryptText(Data, merchant);
  } catch {
    throw new EnvelopeError('Data cannot be decrypted with the merchant\'s HashKey and HashIV');
  }
  let data: unknown;
  try {
    data = JSON.parse(formDecode(plain));
  } catch {
    throw new EnvelopeError('Data is not URL-encoded JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new EnvelopeError('Data is not a JSON object');
  return { merchant, data: data as Record<string, unknown> };
}

/** An answer's envelope, shaped as in the captured replies (numeric MerchantID, Revision null). */
export function replyEnvelope(merchantId: string, now: Date, transCode: number, transMsg: string, data: string) {
  return {
    PlatformID: 0,
    MerchantID: /^\d+$/.test(merchantId) ? Number(merchantId) : merchantId,
    RpHeader: { Timestamp: Math.floor(now.getTime() / 1000), RqID: randomUUID(), Revision: null },
    TransCode: transCode,
    TransMsg: transMsg,
    Data: data,
  };
}
