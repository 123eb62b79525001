// Card payments that the bank (sandbox) holds as paid while the shop still has them pending. The
// sandbox drops its own notifications (timed-sandbox.ts), so the shop learns nothing until the
// bench posts the PayTokens.
//
// Setting up a thousand must not take a minute of the bench's time, so orders and lines are
// written in bulk and most attempts are made with one OrderCreate at the sandbox and a bulk insert
// of what startPaymentAttempt would store. A few attempts go through startPaymentAttempt itself,
// to count the statements it costs.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Product } from '../../src/generated/prisma/client';
import { newSinopacOrderNo } from '../../src/sinopac/order-no';
import { startPaymentAttempt, type PaymentAttemptDependencies } from '../../src/payments/start-attempt';
import { NOTIFY_PATH, RETURN_PATH } from '../../src/routes/payment-callbacks';
import type { Sandbox } from 'sinopac-sandbox';
import { forEachConcurrently } from './concurrency';

export interface PendingPayment {
  paymentId: string;
  payToken: string;
  lines: Array<{ productId: number; quantity: number }>;
}

interface NewOrder {
  id: string;
  totalTwd: number;
  lines: PendingPayment['lines'];
}

export type SetupDependencies = PaymentAttemptDependencies & { sandbox: Sandbox; statements: () => number; flushAudit: () => Promise<void> };

const CONCURRENCY = 8;

/**
 * One to three products per order, as placed orders: their stock is reserved, as placing them
 * does (src/orders/stock-reservation.ts), so that the burst can check payment leaves it alone.
 */
async function createOrders(deps: SetupDependencies, count: number): Promise<NewOrder[]> {
  const products = await deps.db.product.findMany({ where: { status: 'active' }, orderBy: { id: 'asc' } });
  const byId = new Map<number, Product>(products.map((product) => [product.id, product]));
  const orders: NewOrder[] = Array.from({ length: count }, (_, index) => {
    const lines = Array.from({ length: 1 + (index % 3) }, (_, k) => ({
      productId: products[(index + k) % products.length]!.id,
      quantity: 1 + ((index + k) % 2),
    }));
    const totalTwd = lines.reduce((sum, line) => sum + byId.get(line.productId)!.priceTwd * line.quantity, 0);
    return { id: randomUUID(), totalTwd, lines };
  });
  await deps.db.order.createMany({
    data: orders.map(({ id, totalTwd }) => ({
      id,
      number: `FSBENCH${randomBytes(6).toString('hex').toUpperCase()}`,
      ownerToken: randomUUID(),
      customerName: '王小明',
      email: 'bench@example.tw',
      phone: '0912345678',
      payType: 'card' as const,
      totalTwd,
    })),
  });
  await deps.db.orderLine.createMany({
    data: orders.flatMap(({ id, lines }) => lines.map(({ productId, quantity }) => {
      const product = byId.get(productId)!;
      return { orderId: id, productId, quantity, nameZh: product.nameZh, nameEn: product.nameEn, unitPriceTwd: product.priceTwd };
    })),
  });
  const reserved = new Map<number, number>();
  for (const { productId, quantity } of orders.flatMap((order) => order.lines)) {
    reserved.set(productId, (reserved.get(productId) ?? 0) + quantity);
  }
  for (const [id, quantity] of reserved) {
    await deps.db.product.update({ where: { id }, data: { stock: { decrement: quantity } } });
  }
  return orders;
}

/** Through startPaymentAttempt; returns the payments and the SQL statements each cost, its exchange audit included. */
async function startAttempts(deps: SetupDependencies, orders: NewOrder[]): Promise<{ payments: PendingPayment[]; statementsPerAttempt: number }> {
  const before = deps.statements();
  const payments: PendingPayment[] = [];
  for (const order of orders) {
    const started = await startPaymentAttempt(deps, { orderId: order.id, payType: 'card' });
    if (started.kind !== 'started') throw new Error(`no attempt started: ${started.kind}`);
    const { payment } = started;
    const { payToken } = deps.sandbox.control.pay({ orderNo: payment.orderNo }, 'approved');
    payments.push({ paymentId: payment.id, payToken, lines: order.lines });
  }
  await deps.flushAudit();
  return { payments, statementsPerAttempt: (deps.statements() - before) / orders.length };
}

/** The same OrderCreate at the bank, and the same pending row, in bulk. */
async function createAttemptsInBulk(deps: SetupDependencies, orders: NewOrder[]): Promise<PendingPayment[]> {
  const { publicBaseUrl, cardExpMinutes } = deps.settings;
  const rows: Array<{ id: string; orderId: string; orderNo: string; amount: number; tsNo: string; cardPayUrl: string }> = [];
  await forEachConcurrently(orders, CONCURRENCY, async (order) => {
    const orderNo = newSinopacOrderNo(deps.clock());
    const created = await deps.sinopac.orderCreate({
      OrderNo: orderNo,
      Amount: order.totalTwd * 100,
      PrdtName: '阿里山高山烏龍茶 x1',
      ReturnURL: `${publicBaseUrl}${RETURN_PATH}`,
      BackendURL: `${publicBaseUrl}${NOTIFY_PATH}`,
      PayType: 'C',
      CardParam: { AutoBilling: 'Y', ExpMinutes: cardExpMinutes },
    });
    if (created.PayType !== 'C') throw new Error('the sandbox answered a card OrderCreate with another pay type');
    rows.push({ id: randomUUID(), orderId: order.id, orderNo, amount: order.totalTwd * 100, tsNo: created.TSNo, cardPayUrl: created.CardParam.CardPayURL });
  });
  await deps.db.payment.createMany({ data: rows.map((row) => ({ ...row, payType: 'card' as const, status: 'pending' as const })) });
  const linesOf = new Map(orders.map((order) => [order.id, order.lines]));
  return rows.map((row) => ({
    paymentId: row.id,
    payToken: deps.sandbox.control.pay({ orderNo: row.orderNo }, 'approved').payToken,
    lines: linesOf.get(row.orderId)!,
  }));
}

/** `probes` attempts through startPaymentAttempt, then `count` more in bulk. */
export async function createPendingPayments(deps: SetupDependencies, probes: number, count: number) {
  const orders = await createOrders(deps, probes + count);
  const counted = await startAttempts(deps, orders.slice(0, probes));
  return {
    probes: counted.payments,
    statementsPerAttempt: counted.statementsPerAttempt,
    payments: await createAttemptsInBulk(deps, orders.slice(probes)),
  };
}
