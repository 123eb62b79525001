-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "city" TEXT,
ADD COLUMN     "district" TEXT,
ADD COLUMN     "postcode" TEXT,
ADD COLUMN     "recipientName" TEXT,
ADD COLUMN     "recipientPhone" TEXT,
ADD COLUMN     "shippingTwd" INTEGER,
ADD COLUMN     "street" TEXT;


-- Never a negative fee.
ALTER TABLE "Order" ADD CONSTRAINT "Order_shippingTwd_check" CHECK ("shippingTwd" >= 0);
