-- The refund e-mail; its own migration, since a new enum value cannot be used in the transaction that adds it.
ALTER TYPE "MailKind" ADD VALUE 'payment_refunded';
