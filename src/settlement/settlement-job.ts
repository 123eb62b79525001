// The daily settlement job: every day whose bill is due and not yet fetched is fetched and matched,
// oldest first. It is sent once an hour on the shared job queue (one run at a time across all
// instances), so the bill of a day is asked for once, shortly after it is due; a day that failed
// (the bank down, an answer we could not read) is tried again the next hour, and days missed while
// the shop was down are caught up on its first run after start.
import type { ScheduledJob } from '../jobs/job-queue';
import { addDays, taipeiDayOf } from './bank-dates';
import { fetchSettlementDay, type SettlementDependencies } from './settlement-day';

export interface SettlementJobSettings {
  /** How many days back, yesterday included, a run looks for days not yet fetched. */
  catchUpDays: number;
  /** Hours after a day's end (Taipei midnight) before its bill is asked for, so late bookings of the day are in it. */
  readyAfterHours: number;
}

const SETTLEMENT_JOB_SETTINGS: SettlementJobSettings = { catchUpDays: 7, readyAfterHours: 2 };
const SETTLEMENT_JOB_EVERY_SECONDS = 3_600;

export type DayOutcome = { day: string; kind: 'fetched'; differences: number } | { day: string; kind: 'failed'; error: string };

/** The days whose bills are due at `now`, oldest first, within the catch-up window. */
function dueDays(now: Date, settings: SettlementJobSettings): string[] {
  const latest = taipeiDayOf(new Date(now.getTime() - settings.readyAfterHours * 3_600_000));
  const newest = addDays(latest, -1);
  return Array.from({ length: settings.catchUpDays }, (_, i) => addDays(newest, i - settings.catchUpDays + 1));
}

export async function fetchMissingDays(deps: SettlementDependencies, settings = SETTLEMENT_JOB_SETTINGS): Promise<DayOutcome[]> {
  const due = dueDays(deps.clock(), settings);
  // A day left `storing` by a run that stopped half way is fetched again.
  const fetched = new Set((await deps.db.settlementDay.findMany({ where: { day: { in: due }, state: { not: 'storing' } }, select: { day: true } })).map((d) => d.day));
  const outcomes: DayOutcome[] = [];
  for (const day of due.filter((d) => !fetched.has(d))) {
    try {
      const stored = await fetchSettlementDay(deps, day);
      outcomes.push({ day, kind: 'fetched', differences: stored.differenceCount });
    } catch (error) {
      deps.logger.error({ err: error, day }, `settlement ${day}: could not fetch the bank's bill; the next run tries again`);
      outcomes.push({ day, kind: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}

export function settlementJob(deps: SettlementDependencies, settings = SETTLEMENT_JOB_SETTINGS): ScheduledJob {
  return { name: 'settlement', everySeconds: SETTLEMENT_JOB_EVERY_SECONDS, run: () => fetchMissingDays(deps, settings) };
}
