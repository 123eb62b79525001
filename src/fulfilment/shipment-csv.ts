// Marking many orders shipped at once from a CSV as carriers' systems export them: order number,
// carrier, tracking number, one parcel a row (a heading row is recognised and skipped). Each row
// is checked, then applied in its own transaction through shipOrder, so one refused row never
// holds back the others, and the merchant gets a report row by row of what was applied and why
// the rest was refused. Uploading the same file again applies nothing twice: those orders are
// shipped already, and the report says so.
import { parse } from 'csv-parse/sync';
import type { Database } from '../db/prisma';
import type { FulfilmentStatus } from '../generated/prisma/client';
import { hasNoControlCharacters } from '../web/plain-text';
import { carrierFromName } from './carriers';
import { shipOrder, type MerchantRequest } from './fulfil-order';

/** A file much larger than a day's parcels is a mistake (the wrong export), not work. */
export const MAX_CSV_ROWS = 2_000;

/**
 * Why a row was refused:
 * - bad_row: not three cells, or an empty one; bad_tracking: a tracking number carriers never issue;
 * - duplicate: the order appeared on an earlier row of the same file;
 * - unknown_order: no order has that number;
 * - not_paid: the order is not paid (unpaid, expired, cancelled, refunded);
 * - not_allowed: its parcel has already left (shipped, delivered or returned).
 */
export type ShipmentRowProblem = 'bad_row' | 'bad_tracking' | 'duplicate' | 'unknown_order' | 'not_paid' | 'not_allowed';

export interface ShipmentRowReport {
  /** The row's line in the file, counting the heading. */
  line: number;
  number: string;
  trackingNumber: string;
  applied: boolean;
  problem?: ShipmentRowProblem;
  /** For not_allowed: where the parcel already is. */
  fulfilmentStatus?: FulfilmentStatus;
}

export class UnreadableCsvError extends Error {
  override name = 'UnreadableCsvError';
}

const TRACKING_NUMBER = /^[A-Za-z0-9-]{4,40}$/;
const ORDER_NUMBER = /^[A-Za-z0-9-]{4,40}$/;

function readRows(text: string): string[][] {
  try {
    return parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true, to: MAX_CSV_ROWS + 2 }) as string[][];
  } catch (error) {
    throw new UnreadableCsvError(error instanceof Error ? error.message : String(error));
  }
}

/** A heading names its columns: no order number has no digit at all. */
const isHeading = (row: string[]) => row.length > 0 && !/\d/.test(row[0] ?? '');

export async function applyShipmentCsv(db: Database, text: string, by: MerchantRequest, clock: () => Date): Promise<ShipmentRowReport[]> {
  const rows = readRows(text);
  const offset = rows.length > 0 && isHeading(rows[0]!) ? 1 : 0;
  if (rows.length - offset > MAX_CSV_ROWS) throw new UnreadableCsvError(`more than ${MAX_CSV_ROWS} rows`);
  const seen = new Set<string>();
  const report: ShipmentRowReport[] = [];
  for (const [index, row] of rows.slice(offset).entries()) {
    const line = index + offset + 1;
    const [number = '', carrierText = '', trackingNumber = ''] = row;
    const base = { line, number, trackingNumber };
    if (row.length !== 3 || !number || !carrierText || !trackingNumber || !ORDER_NUMBER.test(number) || !hasNoControlCharacters(carrierText) || carrierText.length > 60) {
      report.push({ ...base, applied: false, problem: 'bad_row' });
      continue;
    }
    if (!TRACKING_NUMBER.test(trackingNumber)) {
      report.push({ ...base, applied: false, problem: 'bad_tracking' });
      continue;
    }
    const key = number.toUpperCase();
    if (seen.has(key)) {
      report.push({ ...base, applied: false, problem: 'duplicate' });
      continue;
    }
    seen.add(key);
    const result = await shipOrder(db, { number: key }, { ...carrierFromName(carrierText), trackingNumber }, by, clock());
    if (result.kind === 'applied') report.push({ ...base, applied: true });
    else if (result.kind === 'not_found') report.push({ ...base, applied: false, problem: 'unknown_order' });
    else report.push({ ...base, applied: false, problem: result.problem, fulfilmentStatus: result.from });
  }
  return report;
}
