-- AlterEnum
ALTER TYPE "RefundStatus" ADD VALUE 'needs_review';

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "autoBilling" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "bankCheckFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "bankChecks" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastBankError" TEXT,
ADD COLUMN     "nextBankCheckAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "bankChecks" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextBankCheckAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Payment_status_nextBankCheckAt_idx" ON "Payment"("status", "nextBankCheckAt");

