-- Access grants of an order belong to the session of a browser (the express-session id) rather than to its
-- shopper token, so that a grant ends with its session and can be ended on its own. Grants whose
-- shopper token is held by a live session move to that session, the others had no browser left.
CREATE TEMPORARY TABLE "order_access_before" AS SELECT * FROM "OrderAccess";

DROP TABLE "OrderAccess";

-- CreateTable
CREATE TABLE "OrderAccess" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "sessionId" VARCHAR NOT NULL,
    "via" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderAccess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderAccess_sessionId_idx" ON "OrderAccess"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderAccess_orderId_sessionId_key" ON "OrderAccess"("orderId", "sessionId");

-- AddForeignKey
ALTER TABLE "OrderAccess" ADD CONSTRAINT "OrderAccess_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderAccess" ADD CONSTRAINT "OrderAccess_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "session"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "OrderAccess" ("id", "orderId", "sessionId", "via", "grantedAt")
SELECT gen_random_uuid()::text, b."orderId", s."sid", b."via", b."grantedAt"
FROM "order_access_before" b
JOIN "session" s ON s."sess"::jsonb ->> 'shopperId' = b."shopperId" AND s."expire" > now()
ON CONFLICT DO NOTHING;
DROP TABLE "order_access_before";
