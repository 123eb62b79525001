-- A day whose bill is being stored in batches (src/settlement/reconcile-day.ts): its lines may be
-- partial until the run marks it balanced or differences; the job fetches such a day again.
ALTER TYPE "SettlementState" ADD VALUE 'storing';
