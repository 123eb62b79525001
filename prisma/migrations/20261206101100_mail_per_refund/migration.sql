-- One refund e-mail per refund; every other mail stays one per order and kind (or, for
-- atm_account_reissued, per attempt). Partial unique indexes, which Prisma cannot declare.
ALTER TABLE "MailOutbox" ADD COLUMN "refundId" TEXT;
DROP INDEX "MailOutbox_orderId_kind_key";
CREATE UNIQUE INDEX "MailOutbox_orderId_kind_key" ON "MailOutbox"("orderId", "kind") WHERE "kind" NOT IN ('atm_account_reissued', 'payment_refunded');
CREATE UNIQUE INDEX "MailOutbox_refundId_key" ON "MailOutbox"("refundId") WHERE "kind" = 'payment_refunded';
