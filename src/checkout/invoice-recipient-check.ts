// Whether a mobile barcode or a donation code typed at checkout is known to the Ministry of Finance,
// asked through the e-invoice provider. Only a clear "no such code" stops the checkout: an outage,
// a refused or slow question lets it through, because the provider asks the tax office, which has
// maintenance windows, and advises against making these checks a condition of issuing.
import type { Logger } from 'pino';
import type { InvoiceProvider } from '../einvoice/provider';
import { WELL_KNOWN_CHARITIES, type InvoiceChoice, type InvoiceField } from './invoice-choice';

export type InvoiceRecipientChecks = Pick<InvoiceProvider, 'mobileBarcodeExists' | 'donationCodeExists'>;

/** Checkout waits this long for the provider at most, then goes on as if it had not asked. */
export const RECIPIENT_CHECK_TIMEOUT_MS = 3_000;

const NOT_ANSWERED = Symbol('not answered');

function answerWithin<T>(question: Promise<T>, timeoutMs: number): Promise<T | typeof NOT_ANSWERED> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof NOT_ANSWERED>((resolve) => {
    timer = setTimeout(() => resolve(NOT_ANSWERED), timeoutMs);
  });
  return Promise.race([question, late]).finally(() => clearTimeout(timer));
}

/** The field errors of a recipient the provider says does not exist; none when it exists or could not be asked. */
export async function unknownRecipientErrors(
  checks: InvoiceRecipientChecks,
  choice: InvoiceChoice,
  options: { timeoutMs: number; logger: Pick<Logger, 'warn'> },
): Promise<Partial<Record<InvoiceField, string>>> {
  let question: Promise<boolean> | undefined;
  let unknown: Partial<Record<InvoiceField, string>> = {};
  if (choice.recipient === 'mobile_barcode') {
    question = checks.mobileBarcodeExists(choice.carrierNumber);
    unknown = { invoiceBarcode: 'checkout.error.invoiceBarcodeUnknown' };
  } else if (choice.recipient === 'donation' && !WELL_KNOWN_CHARITIES.some((charity) => charity.code === choice.donationCode)) {
    question = checks.donationCodeExists(choice.donationCode).then((answer) => answer.exists);
    unknown = { invoiceDonationCode: 'checkout.error.invoiceDonationCodeUnknown' };
  }
  if (!question) return {};
  try {
    const exists = await answerWithin(question, options.timeoutMs);
    if (exists === NOT_ANSWERED) {
      options.logger.warn({ recipient: choice.recipient, timeoutMs: options.timeoutMs }, 'invoice recipient check unanswered: accepted unchecked');
      return {};
    }
    return exists ? {} : unknown;
  } catch (error) {
    options.logger.warn({ recipient: choice.recipient, err: error }, 'invoice recipient check failed: accepted unchecked');
    return {};
  }
}
