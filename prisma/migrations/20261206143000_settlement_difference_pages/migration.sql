-- A day's differences are shown a page at a time, after the previous page's last id
-- (src/settlement/settlement-report.ts): a day of 100,000 differences is read a page, not whole.
-- The new index serves what the day's index did too.
CREATE INDEX "SettlementDifference_day_id_idx" ON "SettlementDifference"("day", "id");
DROP INDEX "SettlementDifference_day_idx";
