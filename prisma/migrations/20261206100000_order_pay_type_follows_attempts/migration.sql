-- An order's payment method is its paying attempt's or, unpaid, its latest accepted attempt's
-- (src/payments/order-settlement.ts); orders placed before kept checkout's choice, set right here.
UPDATE "Order" o SET "payType" = p."payType"
FROM (
  SELECT DISTINCT ON ("orderId") "orderId", "payType"
  FROM "Payment"
  WHERE "status" IN ('paid', 'refunded') OR "tsNo" IS NOT NULL
  ORDER BY "orderId", ("status" IN ('paid', 'refunded')) DESC, "payDate" ASC NULLS LAST, "createdAt" DESC
) p
WHERE p."orderId" = o."id" AND o."payType" <> p."payType";
