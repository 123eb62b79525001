-- An order's fulfilment beside its payment, the history of who moved it, the merchant's
-- append-only trail, staff accounts, and the shipped, cancelled and new-ATM-account e-mails.
CREATE TYPE "FulfilmentStatus" AS ENUM ('unfulfilled', 'shipped', 'delivered', 'returned');

ALTER TYPE "MailKind" ADD VALUE 'order_shipped';
ALTER TYPE "MailKind" ADD VALUE 'order_cancelled';
ALTER TYPE "MailKind" ADD VALUE 'atm_account_reissued';

ALTER TABLE "Order"
  ADD COLUMN "fulfilmentStatus" "FulfilmentStatus" NOT NULL DEFAULT 'unfulfilled',
  ADD COLUMN "carrier" TEXT,
  ADD COLUMN "carrierName" TEXT,
  ADD COLUMN "trackingNumber" TEXT,
  ADD COLUMN "shippedAt" TIMESTAMP(3),
  ADD COLUMN "deliveredAt" TIMESTAMP(3),
  ADD COLUMN "returnedAt" TIMESTAMP(3),
  ADD COLUMN "cancelledAt" TIMESTAMP(3);

CREATE INDEX "Order_status_fulfilmentStatus_paidAt_idx" ON "Order"("status", "fulfilmentStatus", "paidAt");

CREATE TABLE "FulfilmentEvent" (
    "id" SERIAL NOT NULL,
    "orderId" TEXT NOT NULL,
    "toStatus" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FulfilmentEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "FulfilmentEvent_orderId_idx" ON "FulfilmentEvent"("orderId");
ALTER TABLE "FulfilmentEvent" ADD CONSTRAINT "FulfilmentEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "MerchantAction" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT,
    "details" JSONB,
    "address" TEXT,
    CONSTRAINT "MerchantAction_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MerchantAction_at_idx" ON "MerchantAction"("at");
CREATE INDEX "MerchantAction_actor_at_idx" ON "MerchantAction"("actor", "at");
CREATE INDEX "MerchantAction_action_at_idx" ON "MerchantAction"("action", "at");

-- The trail is append-only for everyone who connects as the shop: a row once written can be
-- neither changed nor removed. Prisma's migration runner cuts scripts at every semicolon, so the
-- one in the function body is written as the escape \073.
CREATE FUNCTION "refuse_trail_change"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN RAISE EXCEPTION ''the merchant trail is append-only'' USING ERRCODE = ''42501''\073 END'
;

CREATE TRIGGER "MerchantAction_append_only"
  BEFORE UPDATE OR DELETE ON "MerchantAction"
  FOR EACH ROW EXECUTE FUNCTION "refuse_trail_change"();

CREATE TRIGGER "MerchantAction_no_truncate"
  BEFORE TRUNCATE ON "MerchantAction"
  FOR EACH STATEMENT EXECUTE FUNCTION "refuse_trail_change"();

CREATE TABLE "MerchantAccount" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "disabledAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MerchantAccount_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "MerchantAccount_username_key" ON "MerchantAccount"("username");
