// "Fetch again" in the back office: one day's bill asked for now, whatever the job did before.
// Only a day that is over can be asked for; today's bill is still growing.
import type { SettlementDay } from '../generated/prisma/client';
import { SinopacBusinessError, SinopacProtocolError, SinopacTransportError } from '../sinopac/errors';
import { taipeiDayOf } from './bank-dates';
import { BillDayMismatchError, fetchSettlementDay, type SettlementDependencies } from './settlement-day';

export type FetchAgainResult =
  | { kind: 'fetched'; day: SettlementDay }
  | { kind: 'not_over' }
  | { kind: 'bank_refused'; code: string }
  /** No answer, or one we could not trust or read: nothing was stored. */
  | { kind: 'bank_unavailable' };

export async function fetchDayAgain(deps: SettlementDependencies, day: string): Promise<FetchAgainResult> {
  // yyyyMMdd strings order like the days they name.
  if (day >= taipeiDayOf(deps.clock())) return { kind: 'not_over' };
  try {
    return { kind: 'fetched', day: await fetchSettlementDay(deps, day) };
  } catch (error) {
    if (error instanceof SinopacBusinessError) {
      deps.logger.error({ day, code: error.code }, `settlement ${day}: the bank refused BillQuery`);
      return { kind: 'bank_refused', code: error.code ?? '' };
    }
    if (error instanceof SinopacTransportError || error instanceof SinopacProtocolError || error instanceof BillDayMismatchError) {
      deps.logger.error({ err: error, day }, `settlement ${day}: no usable bill from the bank`);
      return { kind: 'bank_unavailable' };
    }
    throw error;
  }
}
