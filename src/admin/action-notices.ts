// The one line the order page shows after a back-office action, chosen from what the action did.
// Params carry codes and TWD×100 amounts; the page turns them into words and money.
import type { AdminNotice } from './admin-session';
import type { RecheckResult } from './recheck-payment';
import type { RefundResult } from './refund-payment';

export function recheckNotice(result: RecheckResult): AdminNotice {
  switch (result.kind) {
    case 'settled': {
      const { settled, payStatus } = result;
      if (settled.kind === 'applied') return { tone: 'success', messageKey: 'admin.recheck.applied', params: { payStatus, status: settled.to } };
      if (settled.kind === 'refused') {
        return { tone: 'warning', messageKey: 'admin.recheck.refused', params: { payStatus, status: settled.to, reason: settled.reason } };
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
    // Booked, by this request or already by the reconciler's re-check; a change settle refused is needs_review.
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
