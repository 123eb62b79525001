-- A second (third …) ATM account of an order is mailed too: one outbox row per such attempt,
-- while every other mail stays one per order and kind. Partial unique indexes, which Prisma
-- cannot declare (schema.prisma keeps a plain index on the same columns for its own queries).
DROP INDEX "MailOutbox_orderId_kind_key";
CREATE UNIQUE INDEX "MailOutbox_orderId_kind_key" ON "MailOutbox"("orderId", "kind") WHERE "kind" <> 'atm_account_reissued';
CREATE UNIQUE INDEX "MailOutbox_paymentId_reissued_key" ON "MailOutbox"("paymentId") WHERE "kind" = 'atm_account_reissued';
CREATE INDEX "MailOutbox_orderId_kind_idx" ON "MailOutbox"("orderId", "kind");
