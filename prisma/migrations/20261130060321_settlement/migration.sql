-- CreateEnum
CREATE TYPE "SettlementState" AS ENUM ('balanced', 'differences');

-- CreateEnum
CREATE TYPE "SettlementDifferenceKind" AS ENUM ('missing_in_shop', 'missing_at_bank', 'amount_mismatch', 'type_mismatch', 'date_mismatch');

-- CreateTable
CREATE TABLE "SettlementDay" (
    "day" TEXT NOT NULL,
    "state" "SettlementState" NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,
    "bankPayments" INTEGER NOT NULL,
    "bankPaymentAmount" BIGINT NOT NULL,
    "bankRefunds" INTEGER NOT NULL,
    "bankRefundAmount" BIGINT NOT NULL,
    "shopPayments" INTEGER NOT NULL,
    "shopPaymentAmount" BIGINT NOT NULL,
    "shopRefunds" INTEGER NOT NULL,
    "shopRefundAmount" BIGINT NOT NULL,
    "differenceCount" INTEGER NOT NULL,

    CONSTRAINT "SettlementDay_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "SettlementLine" (
    "id" SERIAL NOT NULL,
    "day" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "tsNo" TEXT,
    "orderNo" TEXT NOT NULL,
    "tsType" TEXT NOT NULL,
    "tsDate" TEXT,
    "payDate" TEXT,
    "payType" TEXT,
    "amount" INTEGER NOT NULL,
    "param1" TEXT,
    "param2" TEXT,
    "param3" TEXT,

    CONSTRAINT "SettlementLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SettlementDifference" (
    "id" SERIAL NOT NULL,
    "day" TEXT NOT NULL,
    "kind" "SettlementDifferenceKind" NOT NULL,
    "linePosition" INTEGER,
    "orderNo" TEXT NOT NULL,
    "tsType" TEXT NOT NULL,
    "bankAmount" INTEGER,
    "shopAmount" INTEGER,
    "bankPayType" TEXT,
    "shopPayType" TEXT,
    "shopDay" TEXT,
    "paymentId" TEXT,
    "orderId" TEXT,

    CONSTRAINT "SettlementDifference_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SettlementLine_orderNo_idx" ON "SettlementLine"("orderNo");

-- CreateIndex
CREATE UNIQUE INDEX "SettlementLine_day_position_key" ON "SettlementLine"("day", "position");

-- CreateIndex
CREATE INDEX "SettlementDifference_day_idx" ON "SettlementDifference"("day");

-- AddForeignKey
ALTER TABLE "SettlementLine" ADD CONSTRAINT "SettlementLine_day_fkey" FOREIGN KEY ("day") REFERENCES "SettlementDay"("day") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SettlementDifference" ADD CONSTRAINT "SettlementDifference_day_fkey" FOREIGN KEY ("day") REFERENCES "SettlementDay"("day") ON DELETE CASCADE ON UPDATE CASCADE;


-- A day is the bank's yyyyMMdd, and a line is a payment or a refund (Prisma cannot declare CHECKs).
ALTER TABLE "SettlementDay" ADD CONSTRAINT "SettlementDay_day_check" CHECK ("day" ~ '^[0-9]{8}$');
ALTER TABLE "SettlementLine" ADD CONSTRAINT "SettlementLine_tsType_check" CHECK ("tsType" IN ('P', 'R'));
