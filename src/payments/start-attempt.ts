// Starting a payment attempt, the one way checkout and "pay again" both start one: a new Payment
// with a new OrderNo, OrderCreate at the bank, and the card link or ATM account stored for the
// shopper. The row is written before the bank is called, so an attempt the bank may know about is
// never missing from our side. A later attempt is written with the order's row locked, after
// checking that the order takes a new attempt: two clicks, two servers or a settle expiring the
// order at the same moment are taken one after the other. An order's first attempt is written
// with the order itself (openFirstAttempt).
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Order, OrderLine, Payment, PayType, Prisma } from '../generated/prisma/client';
import { reserveStock, StockUnavailableError } from '../orders/stock-reservation';
import type { SinopacClient } from '../sinopac/client';
import { bankFailureOf } from '../sinopac/errors';
import type { OrderCreateParams, OrderCreateResponse } from '../sinopac/messages';
import { whyNoNewAttempt, type NoNewAttemptReason } from './payable-order';
import { lockOrder, MONEY_TRANSACTION } from '../db/row-locks';
import { settlePayment } from './settle';
import { productNameForBank } from './product-name';
import { newSinopacOrderNo } from './sinopac-order-no';
import { taipeiDayAfter } from '../time/taipei';

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
   * page explains, and the shopper may try again (a new attempt). `bankCode`, e.g. "E0403", when
   * the bank refused.
   */
  | { kind: 'start_failed'; reason: PaymentStartFailure; bankCode?: string };

/** Thrown inside the transaction that opens the attempt, so that it rolls back (a revived order's stock included). */
class NotPayable extends Error {
  constructor(readonly reason: NotPayableReason) {
    super(reason);
  }
}

/** The bank refuses ATM expiry dates more than 30 days ahead (E08xx). */
const ATM_MAX_EXPIRE_DAYS = 30;
/** The bank's own code, shown with the virtual account; QPay accounts are at Bank SinoPac. */
const SINOPAC_BANK_CODE = '807';

/** Creates a new Payment attempt for the order (fresh unique SinoPac OrderNo), calls OrderCreate and stores the CardPayURL or ATM account. */
export async function startPaymentAttempt(
  deps: PaymentAttemptDependencies,
  input: { orderId: string; payType: 'A' | 'C' },
): Promise<StartAttemptResult> {
  const now = deps.clock();
  let opened: OpenedAttempt;
  try {
    opened = await deps.db.$transaction((tx) => openAttempt(tx, input, now), MONEY_TRANSACTION);
  } catch (error) {
    if (error instanceof NotPayable) return { kind: 'not_payable', reason: error.reason };
    throw error;
  }
  return createAtBank(deps, opened, now);
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

/**
 * The first attempt of an order being placed, written in the transaction that writes the order:
 * nobody else can see the order yet, so there is nothing to lock or check, and an order is never
 * left without its attempt. createAtBank takes it to the bank once that transaction has committed.
 */
export async function openFirstAttempt(tx: Prisma.TransactionClient, order: OrderForBank & { totalTwd: number; payType: PayType }, now: Date): Promise<OpenedAttempt> {
  return { order, payment: await createAttemptRow(tx, order, order.payType, now) };
}

/** OrderCreate for an attempt whose row is committed, and its answer settled. */
export async function createAtBank(deps: PaymentAttemptDependencies, { order, payment }: OpenedAttempt, now: Date): Promise<StartAttemptResult> {
  const { sinopac, logger, settings } = deps;
  const log = logger.child({ orderId: order.id, paymentId: payment.id, orderNo: payment.orderNo, payType: payment.payType });

  const atmDay = taipeiDayAfter(now, Math.min(Math.max(settings.atmExpireDays, 1), ATM_MAX_EXPIRE_DAYS));
  const common = {
    OrderNo: payment.orderNo,
    Amount: payment.amount,
    PrdtName: productNameForBank(
      order.lines.map((line) => ({ name: order.locale === 'en' ? line.nameEn : line.nameZh, quantity: line.quantity })),
      order.number,
    ),
    ReturnURL: `${settings.publicBaseUrl}/payments/sinopac/return`,
    BackendURL: `${settings.publicBaseUrl}/payments/sinopac/notify`,
  };
  const params: OrderCreateParams =
    payment.payType === 'A'
      ? { ...common, PayType: 'A', ATMParam: { ExpireDate: atmDay.yyyyMMdd } }
      : { ...common, PayType: 'C', CardParam: { AutoBilling: payment.autoBilling === false ? 'N' : 'Y', ExpMinutes: settings.cardExpMinutes } };

  let created: OrderCreateResponse;
  try {
    created = await sinopac.orderCreate(params);
  } catch (error) {
    const failure = startFailure(error);
    // The OrderNo stays on the failed attempt: after a timeout the bank may hold the order, and
    // the reconciler asks about it by that number. A retry is a new attempt with a new number.
    const code = failure.bankCode ?? failureCode(error);
    await settlePayment(deps, {
      paymentId: payment.id,
      outcome: { kind: 'create_failed', ...(code !== undefined && { code }), description: failure.message },
      source: 'checkout',
    });
    log.warn({ reason: failure.reason, bankCode: failure.bankCode, err: error }, 'payment attempt could not be created');
    return { kind: 'start_failed', reason: failure.reason, ...(failure.bankCode !== undefined && { bankCode: failure.bankCode }) };
  }

  const stored =
    created.PayType === 'A'
      ? {
          atmPayNo: created.ATMParam.AtmPayNo,
          atmBankCode: SINOPAC_BANK_CODE,
          webAtmUrl: created.ATMParam.WebAtmURL ?? null,
          atmDeadline: atmDay.endsAt,
        }
      : { cardPayUrl: created.CardParam.CardPayURL };
  const accepted = await settlePayment(deps, {
    paymentId: payment.id,
    outcome: { kind: 'created', tsNo: created.TSNo, ...stored },
    source: 'checkout',
    cardLinkMinutes: settings.cardExpMinutes,
  });
  // Only after minutes without an answer does the reconciler give a creating attempt up; a bank
  // that slow has left the shopper long gone, and the attempt stays as the reconciler left it.
  if (accepted.kind !== 'applied') return { kind: 'start_failed', reason: 'bank_unavailable' };
  log.info({ tsNo: created.TSNo }, 'payment attempt created');
  return { kind: 'started', payment: await deps.db.payment.findUniqueOrThrow({ where: { id: payment.id } }) };
}

type OrderToPay = Order & { lines: OrderLine[] };

async function openAttempt(tx: Prisma.TransactionClient, input: { orderId: string; payType: 'A' | 'C' }, now: Date): Promise<OpenedAttempt> {
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

// The shop's card payments are captured as soon as they are authorised: there is no later moment at
// which it would capture them. Recorded on each card attempt, and OrderCreate is sent what was recorded.
const CAPTURE_CARD_AT_ONCE = true;

function createAttemptRow(tx: Prisma.TransactionClient, order: { id: string; totalTwd: number }, payType: PayType, now: Date): Promise<Payment> {
  return tx.payment.create({
    data: {
      orderId: order.id,
      orderNo: newSinopacOrderNo(now),
      payType,
      amount: order.totalTwd * 100,
      autoBilling: payType === 'C' ? CAPTURE_CARD_AT_ONCE : null,
    },
  });
}

/** An expired order gave its stock back; paying it again needs that stock again, if it is still there. */
async function revive(tx: Prisma.TransactionClient, order: OrderToPay): Promise<void> {
  try {
    await reserveStock(tx, order.lines);
  } catch (error) {
    if (error instanceof StockUnavailableError) throw new NotPayable('sold_out');
    throw error;
  }
  await tx.order.update({ where: { id: order.id }, data: { status: 'awaiting_payment' } });
}

interface StartFailure {
  reason: PaymentStartFailure;
  bankCode?: string;
  message: string;
}

function startFailure(error: unknown): StartFailure {
  const failure = bankFailureOf(error);
  switch (failure?.kind) {
    case 'refused':
      return { reason: 'bank_refused', message: (error as Error).message, ...(failure.code !== undefined && { bankCode: failure.code }) };
    // Nothing was sent; the bank would have refused the same message.
    case 'not_sent':
      return { reason: 'bank_refused', message: failure.detail };
    // No answer, or one we cannot trust: whether the bank created the order is unknown.
    case 'no_answer':
    case 'untrusted':
      return { reason: 'bank_unavailable', message: failure.detail };
    default:
      return { reason: 'bank_unavailable', message: 'OrderCreate failed unexpectedly' };
  }
}

function failureCode(error: unknown): string | undefined {
  const failure = bankFailureOf(error);
  if (failure?.kind === 'no_answer' || failure?.kind === 'untrusted') return failure.reason;
  return failure?.kind === 'not_sent' ? 'invalid_request' : undefined;
}
