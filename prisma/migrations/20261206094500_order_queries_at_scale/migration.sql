-- The order queries a year of trading makes slow without them (issue 26, BENCHMARKS.md "A year of
-- orders"): the back office's list newest first and by status or fulfilment, keyset-paged by
-- ("createdAt", "id"); the to-ship list by payment time; the stock-hold pass's scan of unpaid
-- orders; the order page's bank log by attempt.
CREATE INDEX "Order_createdAt_id_idx" ON "Order"("createdAt" DESC, "id" DESC);
CREATE INDEX "Order_status_createdAt_id_idx" ON "Order"("status", "createdAt" DESC, "id" DESC);
CREATE INDEX "Order_fulfilmentStatus_createdAt_id_idx" ON "Order"("fulfilmentStatus", "createdAt" DESC, "id" DESC);
CREATE INDEX "GatewayExchange_paymentId_idx" ON "GatewayExchange"("paymentId");

-- The to-ship list (src/admin/orders.ts TO_SHIP, oldest payment first) is a small part of all
-- orders: a partial index holds just it, in its own order. Prisma cannot declare partial or
-- expression indexes, so this and the ones below live here only.
CREATE INDEX "Order_to_ship_idx" ON "Order"(COALESCE("paidAt", "createdAt"), "id")
  WHERE "fulfilmentStatus" = 'unfulfilled' AND "status" IN ('paid', 'partially_refunded');

-- The back office's search finds the typed text anywhere in an order's number, e-mail, phone or
-- name, or its attempts' OrderNo and TSNo: one trigram index each, searched as a UNION (an OR
-- across tables can use none of them). Names are indexed through product_search_key (migration
-- product_search), since the database's C ctype makes no trigrams of Chinese.
CREATE INDEX "Order_number_trgm_idx" ON "Order" USING GIN ("number" gin_trgm_ops);
CREATE INDEX "Order_email_trgm_idx" ON "Order" USING GIN ("email" gin_trgm_ops);
CREATE INDEX "Order_phone_trgm_idx" ON "Order" USING GIN ("phone" gin_trgm_ops);
CREATE INDEX "Order_customerName_trgm_idx" ON "Order" USING GIN (product_search_key("customerName") gin_trgm_ops);
CREATE INDEX "Payment_orderNo_trgm_idx" ON "Payment" USING GIN ("orderNo" gin_trgm_ops);
CREATE INDEX "Payment_tsNo_trgm_idx" ON "Payment" USING GIN ("tsNo" gin_trgm_ops);
