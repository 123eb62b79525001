-- Payment.autoBilling is what a card attempt's OrderCreate was sent with, written with the row;
-- an ATM attempt has nothing to capture. Every card attempt so far was sent with AutoBilling Y.
ALTER TABLE "Payment" ALTER COLUMN "autoBilling" DROP DEFAULT,
ALTER COLUMN "autoBilling" DROP NOT NULL;

UPDATE "Payment" SET "autoBilling" = NULL WHERE "payType" = 'A';

-- Payment.payToken: the PayToken whose delivery made the attempt paid, for attempts paid before
-- it was written (the applied delivery is in the PayToken log).
UPDATE "Payment" p SET "payToken" = t."token"
FROM "PayToken" t
WHERE t."paymentId" = p."id" AND t."outcome" = 'applied' AND p."payToken" IS NULL
  AND p."status" IN ('paid', 'refunded')
  AND EXISTS (SELECT 1 FROM "PaymentEvent" e WHERE e."paymentId" = p."id" AND e."applied" AND e."toStatus" = 'paid' AND e."payToken" = t."token");
