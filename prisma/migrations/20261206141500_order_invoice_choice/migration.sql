-- Where the buyer's uniform invoice (統一發票) goes, chosen at checkout. Null on orders placed before the
-- shop issued e-invoices, and on orders placed while e-invoicing is off.
CREATE TYPE "InvoiceRecipient" AS ENUM ('member_carrier', 'mobile_barcode', 'citizen_certificate', 'company', 'donation');

ALTER TABLE "Order"
  ADD COLUMN "invoiceRecipient" "InvoiceRecipient",
  ADD COLUMN "invoiceCarrierNumber" TEXT,
  ADD COLUMN "invoiceTaxId" TEXT,
  ADD COLUMN "invoiceCompanyName" TEXT,
  ADD COLUMN "invoiceDonationCode" TEXT,
  -- Each choice carries exactly the values it needs, so the invoice job never meets a half-filled one.
  ADD CONSTRAINT "Order_invoice_choice_complete" CHECK (
    "invoiceRecipient" IS NULL
    OR ("invoiceRecipient" = 'member_carrier' AND "invoiceCarrierNumber" IS NULL AND "invoiceTaxId" IS NULL AND "invoiceDonationCode" IS NULL)
    OR ("invoiceRecipient" IN ('mobile_barcode', 'citizen_certificate') AND "invoiceCarrierNumber" IS NOT NULL AND "invoiceTaxId" IS NULL AND "invoiceDonationCode" IS NULL)
    OR ("invoiceRecipient" = 'company' AND "invoiceTaxId" IS NOT NULL AND "invoiceCompanyName" IS NOT NULL AND "invoiceCarrierNumber" IS NULL AND "invoiceDonationCode" IS NULL)
    OR ("invoiceRecipient" = 'donation' AND "invoiceDonationCode" IS NOT NULL AND "invoiceCarrierNumber" IS NULL AND "invoiceTaxId" IS NULL)
  );
