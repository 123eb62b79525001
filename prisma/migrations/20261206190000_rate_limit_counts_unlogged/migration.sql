-- The rate limits' counts are written by every checkout, cart change and callback before anything
-- else: unlogged, their commits wait for no WAL flush. PostgreSQL empties an unlogged table after a
-- crash, which here only starts every address's window afresh.
ALTER TABLE "RateLimitCounter" SET UNLOGGED;
