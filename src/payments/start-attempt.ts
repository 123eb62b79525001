// Starting a payment attempt, the one way checkout and "pay again" both start one: a new Payment
// with a new OrderNo, OrderCreate at the bank, and the card link or ATM account stored for the
// shopper. The row is written before the bank is called, so an attempt the bank may know about is
// never missing from our side. A later attempt is written with the order's row locked, after
// checking that the order takes a new attempt: two clicks, two servers or a bank result expiring the
// order at the same moment are taken one after the other. An order's first attempt is written
// with the order itself (newAttemptColumns, checkout/place-order.ts).
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Order, OrderLine, Payment, PayType, Prisma } from '../generated/prisma/client';
import { reserveStock, StockUnavailableError } from '../orders/stock-reservation';
import type { SinopacClient } from '../sinopac/client';
import { createAtBank as createOrderAtBank, prepareCreateAtBank, toBankAmount, type PreparedCreate } from '../sinopac/shop-bank';
import { whyNoNewAttempt, type NoNewAttemptReason } from './payable-order';
import { lockOrder, MONEY_TRANSACTION } from '../db/row-locks';
import { applyBankResult, applyCreated } from './apply-result';
import { changeOrderStatus } from './payment-states';
import { newSinopacOrderNo } from '../sinopac/order-no';

export interface PaymentAttemptDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
  settings: { publicBaseUrl: string; atmExpireDays: number; cardExpMinutes: number };
}

export type PaymentStartFailure = 'bank_refused' | 'bank_unavailable';

export type NotPayableReason = NoNewAttemptReason | 'sold_out';

export type StartAttemptResult =
  /** The updated Payment: its card page link or ATM account is stored. */
  | { kind: 'started'; payment: Payment }
  /**
   * No new attempt: the order is paid, refunded or cancelled (order_closed); an attempt is already
   * open, e.g. the twin of a double click (attempt_open); or the order had expired and its products
   * have sold out since (sold_out). Nothing was written.
   */
  | { kind: 'not_payable'; reason: NotPayableReason }
  /**
   * OrderCreate did not give us a usable attempt: it is recorded as create_failed, which the order
   * page explains, and the shopper may try again (a new attempt). `bankCode`, the bank's code,
   * when it refused.
   */
  | { kind: 'start_failed'; reason: PaymentStartFailure; bankCode?: string };

/** Thrown inside the transaction that opens the attempt, so that it rolls back (a revived order's stock included). */
class NotPayable extends Error {
  constructor(readonly reason: NotPayableReason) {
    super(reason);
  }
}

/** Creates a new Payment attempt for the order (a fresh, unique OrderNo), creates it at the bank and stores its card link or ATM account. */
export async function startPaymentAttempt(
  deps: PaymentAttemptDependencies,
  input: { orderId: string; payType: PayType },
  { toCardPage }: Pick<CreateAtBankOptions, 'toCardPage'> = {},
): Promise<StartAttemptResult> {
  const now = deps.clock();
  let opened: OpenedAttempt;
  try {
    opened = await deps.db.$transaction((tx) => openAttempt(tx, input, now), MONEY_TRANSACTION);
  } catch (error) {
    if (error instanceof NotPayable) return { kind: 'not_payable', reason: error.reason };
    throw error;
  }
  return createAtBank(deps, opened, now, { toCardPage });
}

/** What OrderCreate needs of the order an attempt is for. */
export interface OrderForBank {
  id: string;
  number: string;
  locale: string;
  lines: Array<{ nameZh: string; nameEn: string; quantity: number }>;
}

export interface OpenedAttempt {
  order: OrderForBank;
  payment: Payment;
}

// The shop's card payments are captured as soon as they are authorised: there is no later moment at
// which it would capture them. Recorded on each card attempt, and OrderCreate is sent what was recorded.
const CAPTURE_CARD_AT_ONCE = true;

/**
 * What a new attempt's row is written with: a fresh OrderNo, the amount in the bank's unit and how
 * a card is captured. An order's first attempt is written by the statement that writes the order
 * (checkout/place-order.ts): nobody else can see the order yet, so there is nothing to lock or
 * check, and an order is never left without its attempt. createAtBank takes it to the bank once
 * that transaction has committed.
 */
export function newAttemptColumns(order: { totalTwd: number }, payType: PayType, now: Date) {
  return {
    orderNo: newSinopacOrderNo(now),
    payType,
    amount: toBankAmount(order.totalTwd),
    autoBilling: payType === 'card' ? CAPTURE_CARD_AT_ONCE : null,
  };
}

export interface CreateAtBankOptions {
  /** The call prepared before the row was written (prepareCreateAtBank), so that its first round trip overlapped it. */
  bank?: PreparedCreate;
  /**
   * Told the bank's card page as soon as OrderCreate answers with one, while the answer is stored,
   * so that the shopper may be sent there at once (routes/card-page-redirect.ts says why that is safe).
   */
  toCardPage?: (cardPayUrl: string) => Promise<void> | void;
}

/** OrderCreate for an attempt whose row is committed, and its answer applied. */
export async function createAtBank(
  deps: PaymentAttemptDependencies,
  { order, payment }: OpenedAttempt,
  now: Date,
  { bank = prepareCreateAtBank(deps.sinopac), toCardPage }: CreateAtBankOptions = {},
): Promise<StartAttemptResult> {
  const { logger, settings } = deps;
  const log = logger.child({ orderId: order.id, paymentId: payment.id, orderNo: payment.orderNo, payType: payment.payType });
  const answer = await createOrderAtBank(bank, {
    orderNo: payment.orderNo,
    payType: payment.payType,
    amount: payment.amount,
    captureAtOnce: payment.autoBilling,
    orderNumber: order.number,
    lines: order.lines.map((line) => ({ name: order.locale === 'en' ? line.nameEn : line.nameZh, quantity: line.quantity })),
  }, settings, now);

  if (answer.kind === 'failed') {
    // The OrderNo stays on the failed attempt: after a timeout the bank may hold the order, and
    // the bank check asks about it by that number. A retry is a new attempt with a new number.
    await applyBankResult(deps, {
      paymentId: payment.id,
      outcome: { kind: 'create_failed', ...(answer.code !== undefined && { code: answer.code }), description: answer.message },
      source: 'checkout',
    });
    log.warn({ reason: answer.reason, bankCode: answer.bankCode, err: answer.cause }, 'payment attempt could not be created');
    return { kind: 'start_failed', reason: answer.reason, ...(answer.bankCode !== undefined && { bankCode: answer.bankCode }) };
  }

  const { kind: _created, ...created } = answer;
  const [accepted] = await Promise.all([
    applyCreated(deps, { paymentId: payment.id, created, cardLinkMinutes: settings.cardExpMinutes }),
    created.cardPayUrl !== undefined && toCardPage?.(created.cardPayUrl),
  ]);
  // Only after minutes without an answer does the bank check give a creating attempt up; a bank
  // that slow has left the shopper long gone, and the attempt stays as the bank check left it.
  if (accepted.kind !== 'applied') return { kind: 'start_failed', reason: 'bank_unavailable' };
  log.info({ tsNo: answer.tsNo }, 'payment attempt created');
  return { kind: 'started', payment: accepted.payment };
}

type OrderToPay = Order & { lines: OrderLine[] };

async function openAttempt(tx: Prisma.TransactionClient, input: { orderId: string; payType: PayType }, now: Date): Promise<OpenedAttempt> {
  await lockOrder(tx, input.orderId);
  const order = await tx.order.findUniqueOrThrow({
    where: { id: input.orderId },
    include: { lines: { orderBy: { id: 'asc' } }, payments: { select: { status: true, payType: true } } },
  });
  const refusal = whyNoNewAttempt(order, order.payments, input.payType);
  if (refusal) throw new NotPayable(refusal);
  if (order.status === 'expired') await revive(tx, order);
  return { order, payment: await createAttemptRow(tx, order, input.payType, now) };
}

function createAttemptRow(tx: Prisma.TransactionClient, order: { id: string; totalTwd: number }, payType: PayType, now: Date): Promise<Payment> {
  return tx.payment.create({ data: { orderId: order.id, ...newAttemptColumns(order, payType, now) } });
}

/** An expired order gave its stock back; paying it again needs that stock again, if it is still there. */
async function revive(tx: Prisma.TransactionClient, order: OrderToPay): Promise<void> {
  try {
    await reserveStock(tx, order.lines);
  } catch (error) {
    if (error instanceof StockUnavailableError) throw new NotPayable('sold_out');
    throw error;
  }
  await changeOrderStatus(tx, { orderId: order.id, from: 'expired', to: 'awaiting_payment' });
}
