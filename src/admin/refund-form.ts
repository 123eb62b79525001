// The refund form as the merchant fills it in: an amount in whole NT$ (the bank takes no cents), an
// optional reason the bank keeps as Remark, and the idempotency key the form was rendered with.
import { z } from 'zod';

export interface RefundForm {
  kind: 'refund' | 'cancel';
  /** As typed, to show it again. */
  amountText: string;
  /** Whole TWD; undefined when what was typed is not a positive whole number (and for a cancel). */
  amountTwd: number | undefined;
  remark: string | undefined;
  idempotencyKey: string;
}

/** A form field the merchant has to correct. */
export type RefundFormProblem = 'amount' | 'remark';

// The bank refuses ' " % in free text and surrounding spaces (PROTOCOL.md §4); the length is ours,
// and control characters are refused as in every free-text field (web/plain-text.ts).
const REMARK = /^[^'"%\p{Cc}]{1,60}$/u;
const WHOLE_TWD = /^\d{1,9}$/;

// Kind and key come from hidden fields the shop wrote: anything else is a tampered form, a plain 400.
export const refundFormSchema = z.object({
  kind: z.enum(['refund', 'cancel']),
  amountTwd: z.string().trim().optional(),
  remark: z.string().trim().max(500).optional(),
  idempotencyKey: z.uuid(),
});

export function toRefundForm(input: z.output<typeof refundFormSchema>): { form: RefundForm; problem?: RefundFormProblem } {
  const amountText = input.amountTwd ?? '';
  const amountTwd = WHOLE_TWD.test(amountText) && Number(amountText) > 0 ? Number(amountText) : undefined;
  const remark = input.remark === '' ? undefined : input.remark;
  const form: RefundForm = { kind: input.kind, amountText, amountTwd, remark, idempotencyKey: input.idempotencyKey };
  if (remark !== undefined && !REMARK.test(remark)) return { form, problem: 'remark' };
  if (input.kind === 'refund' && amountTwd === undefined) return { form, problem: 'amount' };
  return { form };
}
