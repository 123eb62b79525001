-- The e-invoices (src/einvoice/): one invoice per paid order with an invoice choice, its steps (issue,
-- then one credit per booked refund) as the einvoice job's queue, the allowances made and an
-- append-only history of every step with the provider's words.
-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('pending', 'issued', 'void', 'refused');

-- CreateEnum
CREATE TYPE "InvoiceStepKind" AS ENUM ('issue', 'credit');

-- CreateEnum
CREATE TYPE "InvoiceStepStatus" AS ENUM ('pending', 'done', 'refused');

-- CreateEnum
CREATE TYPE "InvoiceAction" AS ENUM ('issue', 'credit', 'void', 'allowance', 'retry');

-- CreateEnum
CREATE TYPE "InvoiceOutcome" AS ENUM ('queued', 'done', 'found', 'unanswered', 'refused');

-- CreateTable
CREATE TABLE "Invoice" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "provider" TEXT,
    "reference" TEXT NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'pending',
    "number" TEXT,
    "issuedAt" TIMESTAMP(3),
    "randomNumber" TEXT,
    "totalTwd" INTEGER NOT NULL,
    "allowedTwd" INTEGER NOT NULL DEFAULT 0,
    "voidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceStep" (
    "id" SERIAL NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "kind" "InvoiceStepKind" NOT NULL,
    "amountTwd" INTEGER,
    "whole" BOOLEAN NOT NULL DEFAULT false,
    "refundId" TEXT,
    "status" "InvoiceStepStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "unansweredInARow" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMP(3),
    "claimToken" TEXT,
    "lastError" TEXT,
    "doneAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvoiceStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceAllowance" (
    "id" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "stepId" INTEGER NOT NULL,
    "amountTwd" INTEGER NOT NULL,
    "number" TEXT,
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvoiceAllowance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceEvent" (
    "id" SERIAL NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "action" "InvoiceAction" NOT NULL,
    "outcome" "InvoiceOutcome" NOT NULL,
    "code" TEXT,
    "message" TEXT,
    "actor" TEXT NOT NULL DEFAULT 'job',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvoiceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_orderId_key" ON "Invoice"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_reference_key" ON "Invoice"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");

-- CreateIndex
CREATE INDEX "Invoice_createdAt_id_idx" ON "Invoice"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Invoice_status_createdAt_id_idx" ON "Invoice"("status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceStep_refundId_key" ON "InvoiceStep"("refundId");

-- CreateIndex
CREATE INDEX "InvoiceStep_invoiceId_id_idx" ON "InvoiceStep"("invoiceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceAllowance_stepId_key" ON "InvoiceAllowance"("stepId");

-- CreateIndex
CREATE INDEX "InvoiceAllowance_invoiceId_idx" ON "InvoiceAllowance"("invoiceId");

-- CreateIndex
CREATE INDEX "InvoiceEvent_invoiceId_id_idx" ON "InvoiceEvent"("invoiceId", "id");

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceStep" ADD CONSTRAINT "InvoiceStep_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceAllowance" ADD CONSTRAINT "InvoiceAllowance_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceEvent" ADD CONSTRAINT "InvoiceEvent_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- What Prisma cannot declare. One issuing step per invoice; a credit carries a positive amount;
-- allowances never credit more than the invoice.
CREATE UNIQUE INDEX "InvoiceStep_one_issue" ON "InvoiceStep"("invoiceId") WHERE "kind" = 'issue';
ALTER TABLE "InvoiceStep" ADD CONSTRAINT "InvoiceStep_credit_amount" CHECK (
  ("kind" = 'issue' AND "amountTwd" IS NULL) OR ("kind" = 'credit' AND "amountTwd" > 0)
);
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_allowed_within_total" CHECK ("allowedTwd" >= 0 AND "allowedTwd" <= "totalTwd");
ALTER TABLE "InvoiceAllowance" ADD CONSTRAINT "InvoiceAllowance_positive" CHECK ("amountTwd" > 0);

-- The einvoice job's claim reads the due pending steps only.
CREATE INDEX "InvoiceStep_due" ON "InvoiceStep"("nextAttemptAt") WHERE "status" = 'pending';

-- The history is append-only, like the merchant trail. Prisma's migration runner cuts scripts at
-- every semicolon, so the one in the function body is written as the escape \073.
CREATE FUNCTION "refuse_invoice_history_change"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN RAISE EXCEPTION ''the invoice history is append-only'' USING ERRCODE = ''42501''\073 END'
;

CREATE TRIGGER "InvoiceEvent_append_only"
  BEFORE UPDATE OR DELETE ON "InvoiceEvent"
  FOR EACH ROW EXECUTE FUNCTION "refuse_invoice_history_change"();

CREATE TRIGGER "InvoiceEvent_no_truncate"
  BEFORE TRUNCATE ON "InvoiceEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "refuse_invoice_history_change"();
