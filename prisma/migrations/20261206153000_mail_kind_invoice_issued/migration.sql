-- The e-invoice's own mail, for an invoice issued after the payment-received mail went without its
-- number; one per order like every kind but the ATM account and refund mails (migration mail_per_refund's index).
ALTER TYPE "MailKind" ADD VALUE 'invoice_issued';
