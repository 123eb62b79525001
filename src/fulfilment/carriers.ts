// The carriers a parcel can go with, and the page where each one's tracking number is looked up.
// Only links the carrier itself offers with the number in the address; for the others the shopper
// gets the number and the carrier's name.
export const CARRIERS = ['tcat', 'hct', 'post', 'ecan', 'other'] as const;
export type Carrier = (typeof CARRIERS)[number];

const TRACKING_PAGES: Partial<Record<Carrier, (trackingNumber: string) => string>> = {
  tcat: (n) => `https://www.t-cat.com.tw/Inquire/TraceDetail.aspx?BillID=${encodeURIComponent(n)}`,
};

function isCarrier(code: unknown): code is Carrier {
  return typeof code === 'string' && (CARRIERS as readonly string[]).includes(code);
}

export function trackingUrl(carrier: string | null | undefined, trackingNumber: string | null | undefined): string | undefined {
  if (!carrier || !trackingNumber || !isCarrier(carrier)) return undefined;
  return TRACKING_PAGES[carrier]?.(trackingNumber);
}

/**
 * A carrier as merchants and carriers' exports write it (黑貓宅急便, T-Cat, 新竹物流, HCT …): its
 * code, or undefined. Anything else is "other", with the name as written.
 */
const NAMES: Record<string, Carrier> = {
  tcat: 'tcat', 't-cat': 'tcat', 黑貓: 'tcat', 黑貓宅急便: 'tcat', 統一速達: 'tcat',
  hct: 'hct', 新竹物流: 'hct', 新竹貨運: 'hct',
  post: 'post', 中華郵政: 'post', 郵局: 'post', chunghwapost: 'post', 'chunghwa post': 'post',
  ecan: 'ecan', 'e-can': 'ecan', 宅配通: 'ecan',
};

export function carrierFromName(name: string): { carrier: Carrier; carrierName?: string } {
  const key = name.trim().normalize('NFKC').toLowerCase();
  const known = NAMES[key];
  return known ? { carrier: known } : { carrier: 'other', carrierName: name.trim() };
}
