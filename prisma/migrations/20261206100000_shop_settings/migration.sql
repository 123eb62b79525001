-- The merchant's own words and contact details (src/shop-info/shop-settings.ts): one row per
-- setting the merchant has changed; a setting without a row shows the shop's default.
CREATE TABLE "ShopSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "ShopSetting_pkey" PRIMARY KEY ("key")
);
