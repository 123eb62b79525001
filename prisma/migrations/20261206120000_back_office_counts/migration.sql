-- The back office's navbar counts on every page (src/admin/nav-counts.ts) at a million orders
-- (issue 26): the attempts stuck undecided at the bank read every undecided attempt's row (1.1 s
-- cold at 1M), the refunds in review the whole Refund table. Partial indexes hold only those.
CREATE INDEX "Payment_stuck_idx" ON "Payment" ("bankCheckFailures") WHERE "status" IN ('creating', 'pending', 'create_failed');
CREATE INDEX "Refund_needs_review_idx" ON "Refund" ("createdAt") WHERE "status" = 'needs_review';
