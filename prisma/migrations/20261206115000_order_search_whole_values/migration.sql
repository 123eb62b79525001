-- The back office's order search at a million orders (issue 26, src/admin/orders.ts searchSql).
-- The shopper's name as the search matches it, stored: the trigram index's recheck called
-- product_search_key on every candidate row (a common name matches thousands: 0.5 s at 1M).
ALTER TABLE "Order" ADD COLUMN "customerNameKey" text GENERATED ALWAYS AS (product_search_key("customerName")) STORED;
DROP INDEX "Order_customerName_trgm_idx";
CREATE INDEX "Order_customerNameKey_trgm_idx" ON "Order" USING GIN ("customerNameKey" gin_trgm_ops);
-- A whole e-mail address or phone number is looked up, not searched for: their trigrams
-- (@example.tw, 09…) are in most rows, and the trigram index read them all (0.3 s at 1M).
CREATE INDEX "Order_email_lower_idx" ON "Order" (lower("email"));
CREATE INDEX "Order_phone_idx" ON "Order" ("phone");
