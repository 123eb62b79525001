-- The shop names its payment methods in its own words; the bank's letters (A, C) stay in src/sinopac/.
ALTER TYPE "PayType" RENAME VALUE 'A' TO 'atm';
ALTER TYPE "PayType" RENAME VALUE 'C' TO 'card';

-- The settlement tables keep the method as text (a bill line may name a letter the shop does not know),
-- so their rows do not follow the enum and are renamed here.
UPDATE "SettlementLine" SET "payType" = CASE "payType" WHEN 'A' THEN 'atm' WHEN 'C' THEN 'card' END
WHERE "payType" IN ('A', 'C');
UPDATE "SettlementDifference" SET "bankPayType" = CASE "bankPayType" WHEN 'A' THEN 'atm' WHEN 'C' THEN 'card' END
WHERE "bankPayType" IN ('A', 'C');
UPDATE "SettlementDifference" SET "shopPayType" = CASE "shopPayType" WHEN 'A' THEN 'atm' WHEN 'C' THEN 'card' END
WHERE "shopPayType" IN ('A', 'C');
