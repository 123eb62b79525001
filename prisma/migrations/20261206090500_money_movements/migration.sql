-- CreateEnum
CREATE TYPE "MoneyMovementKind" AS ENUM ('payment', 'refund');

-- CreateTable
CREATE TABLE "MoneyMovement" (
    "id" SERIAL NOT NULL,
    "kind" "MoneyMovementKind" NOT NULL,
    "paymentId" TEXT NOT NULL,
    "refundId" TEXT,
    "amount" INTEGER NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MoneyMovement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MoneyMovement_refundId_key" ON "MoneyMovement"("refundId");

-- CreateIndex
CREATE INDEX "MoneyMovement_occurredAt_idx" ON "MoneyMovement"("occurredAt");

-- CreateIndex
CREATE INDEX "MoneyMovement_paymentId_idx" ON "MoneyMovement"("paymentId");

-- AddForeignKey
ALTER TABLE "MoneyMovement" ADD CONSTRAINT "MoneyMovement_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MoneyMovement" ADD CONSTRAINT "MoneyMovement_refundId_fkey" FOREIGN KEY ("refundId") REFERENCES "Refund"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma manages neither): one payment movement per attempt, a refund movement names
-- its refund, every amount is positive.
CREATE UNIQUE INDEX "MoneyMovement_paymentId_payment_key" ON "MoneyMovement"("paymentId") WHERE "kind" = 'payment';
ALTER TABLE "MoneyMovement" ADD CONSTRAINT "MoneyMovement_refund_names_refund_check" CHECK (("kind" = 'refund') = ("refundId" IS NOT NULL));
ALTER TABLE "MoneyMovement" ADD CONSTRAINT "MoneyMovement_amount_check" CHECK ("amount" > 0);

-- Backfill: every attempt the shop booked as collected, at the bank's PayDate, else when the shop
-- applied "paid" (its PaymentEvent), else, for want of anything better, when its row last changed.
INSERT INTO "MoneyMovement" ("kind", "paymentId", "amount", "occurredAt")
SELECT 'payment', p."id", p."amount",
  COALESCE(p."payDate",
    (SELECT min(e."createdAt") FROM "PaymentEvent" e WHERE e."paymentId" = p."id" AND e."applied" AND e."toStatus" = 'paid' AND e."fromStatus" <> 'paid'),
    p."updatedAt")
FROM "Payment" p
WHERE p."status" IN ('paid', 'refunded');

-- Every succeeded refund, at the time its row last changed: what the settlement used until now.
INSERT INTO "MoneyMovement" ("kind", "paymentId", "refundId", "amount", "occurredAt")
SELECT 'refund', r."paymentId", r."id", r."amount", r."updatedAt"
FROM "Refund" r
WHERE r."status" = 'succeeded';
