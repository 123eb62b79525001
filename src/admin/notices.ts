// The one line a back-office page shows after an action redirects to it, kept in the session until
// shown, and chosen from what the action did. Params carry codes and TWD×100 amounts; the page turns
// them into words and money.
import type { SessionData } from 'express-session';
import type { FetchAgainResult } from '../settlement/fetch-again';
import type { RecheckResult } from './attention';
import type { RefundResult } from './refunds';

export type NoticeTone = 'success' | 'warning' | 'danger';

export interface AdminNotice {
  tone: NoticeTone;
  messageKey: string;
  params?: Record<string, string | number>;
}

declare module 'express-session' {
  interface SessionData {
    adminNotice?: AdminNotice;
  }
}

export function setNotice(session: Partial<SessionData>, notice: AdminNotice): void {
  session.adminNotice = notice;
}

export function takeNotice(session: Partial<SessionData>): AdminNotice | undefined {
  const notice = session.adminNotice;
  delete session.adminNotice;
  return notice;
}

export function recheckNotice(result: RecheckResult): AdminNotice {
  switch (result.kind) {
    case 'answered': {
      const { change, payStatus } = result;
      if (change.kind === 'applied') return { tone: 'success', messageKey: 'admin.recheck.applied', params: { payStatus, status: change.to } };
      if (change.kind === 'refused') {
        return { tone: 'warning', messageKey: 'admin.recheck.refused', params: { payStatus, status: change.to, reason: change.reason } };
      }
      return { tone: 'success', messageKey: 'admin.recheck.nothingNew', params: { payStatus } };
    }
    case 'nothing_new':
      return { tone: 'success', messageKey: 'admin.recheck.nothingNew', params: { payStatus: result.payStatus } };
    case 'not_at_bank':
      return { tone: 'warning', messageKey: 'admin.recheck.notAtBank' };
    case 'mismatch':
      return { tone: 'danger', messageKey: 'admin.recheck.mismatch', params: { payStatus: result.payStatus, reason: result.mismatches.join('; ') } };
    case 'bank_refused':
      return { tone: 'danger', messageKey: 'admin.recheck.bankRefused', params: { code: result.code ?? '' } };
    case 'bank_unavailable':
      return { tone: 'danger', messageKey: 'admin.recheck.bankUnavailable' };
  }
}

/** For the outcomes that end on the order page; refusals before the bank stay on the form. */
export function refundNotice(result: Exclude<RefundResult, { kind: 'not_found' | 'not_allowed' }>): AdminNotice {
  const { refund } = result;
  const amount = refund.amount;
  switch (result.kind) {
    // Booked, by this request or already by the bank check; a change that applying refused is needs_review.
    case 'succeeded':
      return { tone: 'success', messageKey: `admin.${refund.kind}.done`, params: { amount } };
    case 'needs_review':
      return { tone: 'danger', messageKey: 'admin.refund.needsReview', params: { amount, reason: result.reason } };
    case 'duplicate':
      return { tone: 'warning', messageKey: 'admin.refund.duplicate', params: { amount } };
    case 'bank_refused':
      return { tone: 'danger', messageKey: 'admin.refund.bankRefused', params: { amount, code: refund.bankCode ?? '', reason: refund.bankDescription ?? '' } };
    case 'outcome_unknown':
      return { tone: 'danger', messageKey: 'admin.refund.unknown', params: { amount } };
  }
}

export function fetchNotice(result: FetchAgainResult): AdminNotice {
  switch (result.kind) {
    case 'fetched':
      return result.day.state === 'balanced'
        ? { tone: 'success', messageKey: 'admin.settlement.fetched.balanced' }
        : { tone: 'warning', messageKey: 'admin.settlement.fetched.differences' };
    case 'not_over':
      return { tone: 'warning', messageKey: 'admin.settlement.notOver' };
    case 'bank_refused':
      return { tone: 'danger', messageKey: 'admin.settlement.bankRefused', params: { code: result.code } };
    case 'bank_unavailable':
      return { tone: 'danger', messageKey: 'admin.settlement.bankUnavailable' };
  }
}
