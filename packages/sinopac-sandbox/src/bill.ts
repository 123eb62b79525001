// BillQuery's answer (docs/sinopac-protocol.md §4.5): one Taipei day's collections (TSType P) and refunds
// (TSType R), read from the sandbox's own ledger of what it took and gave back. The bank's
// formats are not public, so the sandbox assumes the ones its other services use: TSDate is the
// order's transaction time (as OrderQuery has it), PayDate the minute the line's money moved (the
// payment, or the refund), both `yyyyMMddHHmm`; Amount is a number in TWD×100; a refund repeats
// its order's TSNo.
import type { ServiceMessage } from './envelope';
import type { FaultBook } from './faults';
import type { Order } from './orders';
import { taipeiDay, taipeiMinute } from './taipei-time';

// Money has been collected in these states; an authorisation alone (1C300) collects nothing.
const COLLECTED = new Set<Order['payStatus']>(['1A400', '1C400']);

interface LedgerLine {
  order: Order;
  tsType: 'P' | 'R';
  amount: number;
  at: Date;
}

function ledger(orders: readonly Order[], billDate: string): LedgerLine[] {
  const lines: LedgerLine[] = [];
  for (const order of orders) {
    if (order.paidAt && COLLECTED.has(order.payStatus) && taipeiDay(order.paidAt) === billDate) {
      lines.push({ order, tsType: 'P', amount: order.amount, at: order.paidAt });
    }
    for (const refund of order.refunds) {
      if (taipeiDay(refund.at) === billDate) lines.push({ order, tsType: 'R', amount: refund.amount, at: refund.at });
    }
  }
  return lines.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order.orderNo.localeCompare(b.order.orderNo));
}

/** The day's lines as BillQuery reports them, after the billOmit, billAlter and billExtraLines faults. */
export function billLines(orders: readonly Order[], billDate: string, faults: FaultBook): ServiceMessage[] {
  const reported: ServiceMessage[] = [];
  for (const line of ledger(orders, billDate)) {
    const effective = faults.effective(line.order);
    if (effective.billOmit) continue;
    const { order } = line;
    reported.push({
      TSNo: order.tsNo,
      OrderNo: order.orderNo,
      TSType: line.tsType,
      TSDate: taipeiMinute(order.createdAt),
      PayDate: taipeiMinute(line.at),
      PayType: order.payType,
      Amount: line.amount,
      Param1: order.param1 ?? null,
      Param2: order.param2 ?? null,
      Param3: order.param3 ?? null,
      ...effective.billAlter,
    });
  }
  const extra = faults.instance.billExtraLines ?? 0;
  for (let n = 1; n <= extra; n++) {
    reported.push({
      TSNo: `EXTRA${billDate.slice(2)}${String(n).padStart(3, '0')}`,
      OrderNo: `EXTRA-${billDate}-${n}`,
      TSType: 'P',
      TSDate: `${billDate}1200`,
      PayDate: `${billDate}1200`,
      PayType: 'A',
      Amount: 10_000,
      Param1: null,
      Param2: null,
      Param3: null,
    });
  }
  return reported;
}
