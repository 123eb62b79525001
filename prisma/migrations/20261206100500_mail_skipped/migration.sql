-- A held order confirmation that is no longer owed when it comes due (the card was paid at once) is
-- marked skipped rather than sent (docs/mail.md).
ALTER TABLE "MailOutbox" ADD COLUMN "skippedAt" TIMESTAMP(3);
