-- Guarantees the payment path relies on, kept by the database itself so that no bug, race or second
-- server can break them. Partial unique indexes and CHECK constraints cannot be written in
-- schema.prisma, so they live here only (schema.prisma says so where they apply).

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "lastBankCheckAt" TIMESTAMP(3);

-- A PayToken is applied at most once: the bank's result for one token never changes, so a second
-- "applied" row could only be the same payment counted twice.
CREATE UNIQUE INDEX "PayToken_token_applied_key" ON "PayToken"("token") WHERE "outcome" = 'applied';

-- An attempt enters each status at most once (the state machine has no cycles), so one applied
-- transition row per target status. Partial refunds are paid → paid rows and are not limited.
CREATE UNIQUE INDEX "PaymentEvent_paymentId_toStatus_applied_key" ON "PaymentEvent"("paymentId", "toStatus")
  WHERE "applied" AND "fromStatus" <> "toStatus";

-- Never more refunded than was paid, never a negative refund.
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_refundedAmount_check" CHECK ("refundedAmount" >= 0 AND "refundedAmount" <= "amount");

-- Stock is reserved by a conditional decrement, so it cannot go below zero. Before this migration a
-- paid order took its stock a second time, which may have left a product below zero: such a
-- product has none left to sell.
UPDATE "Product" SET "stock" = 0 WHERE "stock" < 0;
ALTER TABLE "Product" ADD CONSTRAINT "Product_stock_check" CHECK ("stock" >= 0);
