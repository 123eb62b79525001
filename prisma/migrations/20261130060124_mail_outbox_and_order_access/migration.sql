-- CreateEnum
CREATE TYPE "MailKind" AS ENUM ('order_placed', 'payment_received');

-- CreateTable
CREATE TABLE "OrderAccess" (
    "orderId" TEXT NOT NULL,
    "shopperId" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderAccess_pkey" PRIMARY KEY ("orderId","shopperId")
);

-- CreateTable
CREATE TABLE "MailOutbox" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" "MailKind" NOT NULL,
    "paymentId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMP(3),
    "claimToken" TEXT,
    "sentAt" TIMESTAMP(3),
    "gaveUpAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderAccess_shopperId_idx" ON "OrderAccess"("shopperId");

-- CreateIndex
CREATE UNIQUE INDEX "MailOutbox_orderId_kind_key" ON "MailOutbox"("orderId", "kind");

-- AddForeignKey
ALTER TABLE "OrderAccess" ADD CONSTRAINT "OrderAccess_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailOutbox" ADD CONSTRAINT "MailOutbox_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- What the drain of the outbox looks for: rows neither sent nor given up, by when they are due. Sent
-- rows stay (the record of what went out) without weighing on the index.
CREATE INDEX "MailOutbox_due_idx" ON "MailOutbox"("nextAttemptAt") WHERE "sentAt" IS NULL AND "gaveUpAt" IS NULL;

-- A row is sent, given up or neither, never both, and claimed with its token or not at all.
ALTER TABLE "MailOutbox" ADD CONSTRAINT "MailOutbox_sent_or_gave_up_check" CHECK ("sentAt" IS NULL OR "gaveUpAt" IS NULL);
ALTER TABLE "MailOutbox" ADD CONSTRAINT "MailOutbox_claim_check" CHECK (("claimedUntil" IS NULL) = ("claimToken" IS NULL));
