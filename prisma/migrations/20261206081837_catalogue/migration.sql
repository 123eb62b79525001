-- CreateEnum
CREATE TYPE "ProductStatus" AS ENUM ('draft', 'active', 'archived');

-- CreateEnum
CREATE TYPE "PhotoSize" AS ENUM ('thumb', 'list', 'page');

-- CreateEnum
CREATE TYPE "StockChangeReason" AS ENUM ('restock', 'correction', 'damaged');

-- AlterTable: the active flag becomes a state (off sale = archived). The seed's drawings, named by
-- imagePath, become photos like any other (src/catalog/seed.ts), so imagePath goes.
ALTER TABLE "Product" ADD COLUMN     "status" "ProductStatus" NOT NULL DEFAULT 'active',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

UPDATE "Product" SET "status" = CASE WHEN "active" THEN 'active'::"ProductStatus" ELSE 'archived'::"ProductStatus" END;

ALTER TABLE "Product" DROP COLUMN "active",
DROP COLUMN "imagePath";

-- A product costs at least NT$1 (the bank's ATM ceiling is for an order, not a product).
ALTER TABLE "Product" ADD CONSTRAINT "Product_priceTwd_check" CHECK ("priceTwd" >= 1);

-- CreateTable
CREATE TABLE "Category" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductCategory" (
    "productId" INTEGER NOT NULL,
    "categoryId" INTEGER NOT NULL,

    CONSTRAINT "ProductCategory_pkey" PRIMARY KEY ("productId","categoryId")
);

-- CreateTable
CREATE TABLE "ProductPhoto" (
    "id" SERIAL NOT NULL,
    "productId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductPhotoVariant" (
    "photoId" INTEGER NOT NULL,
    "size" "PhotoSize" NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "ProductPhotoVariant_pkey" PRIMARY KEY ("photoId","size")
);

-- CreateTable
CREATE TABLE "StockChange" (
    "id" SERIAL NOT NULL,
    "productId" INTEGER NOT NULL,
    "delta" INTEGER NOT NULL,
    "stockBefore" INTEGER NOT NULL,
    "stockAfter" INTEGER NOT NULL,
    "reason" "StockChangeReason" NOT NULL,
    "who" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockChange_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "StockChange_adds_up_check" CHECK ("stockAfter" = "stockBefore" + "delta" AND "stockAfter" >= 0 AND "delta" <> 0)
);

-- CreateIndex
CREATE UNIQUE INDEX "Category_slug_key" ON "Category"("slug");

-- CreateIndex
CREATE INDEX "ProductCategory_categoryId_idx" ON "ProductCategory"("categoryId");

-- CreateIndex
CREATE INDEX "ProductPhoto_productId_position_idx" ON "ProductPhoto"("productId", "position");

-- CreateIndex
CREATE INDEX "StockChange_productId_createdAt_idx" ON "StockChange"("productId", "createdAt");

-- CreateIndex
CREATE INDEX "Product_status_id_idx" ON "Product"("status", "id");

-- AddForeignKey
ALTER TABLE "ProductCategory" ADD CONSTRAINT "ProductCategory_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductCategory" ADD CONSTRAINT "ProductCategory_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductPhoto" ADD CONSTRAINT "ProductPhoto_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductPhotoVariant" ADD CONSTRAINT "ProductPhotoVariant_photoId_fkey" FOREIGN KEY ("photoId") REFERENCES "ProductPhoto"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockChange" ADD CONSTRAINT "StockChange_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- What a product page or list shows also lives in these tables: a change to any of them reaches
-- every process's product cache like a change to "Product" (migration product_change_notify).
-- The photos' bytes need none: a photo's URL names its content.
CREATE TRIGGER "Category_changed_notify"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Category"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();

CREATE TRIGGER "ProductCategory_changed_notify"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ProductCategory"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();

CREATE TRIGGER "ProductPhoto_changed_notify"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ProductPhoto"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();
