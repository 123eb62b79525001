-- A PayToken found by the bank check is recorded under the name the rest of the shop uses for it.
ALTER TYPE "PayTokenSource" RENAME VALUE 'reconcile' TO 'bank_check';
