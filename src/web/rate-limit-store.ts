// The rate limits' counts in PostgreSQL, so that every process of the shop counts against one limit
// (in memory, N processes allowed N times the limit). One upsert per counted request: it starts a
// new window when the last one is over, and returns the count and the window's end.
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Database } from '../db/prisma';

// Rows of windows long over are deleted now and then, by whichever process counts this many requests.
const PRUNE_EVERY = 1_000;

export class PostgresRateLimitStore implements Store {
  private windowMs = 60_000;
  private counted = 0;

  /** `prefix` keeps each limit's counts apart (they share the client addresses). */
  constructor(private readonly db: Database, readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    if (++this.counted % PRUNE_EVERY === 0) void this.prune();
    // Timestamps are UTC wall time, as Prisma writes its timestamp columns.
    const [row] = await this.db.$queryRaw<Array<{ hits: number; resetAt: Date }>>`
      INSERT INTO "RateLimitCounter" AS c ("key", "hits", "resetAt")
      VALUES (${this.prefix + key}, 1, (now() AT TIME ZONE 'UTC') + ${this.windowMs}::int * interval '1 millisecond')
      ON CONFLICT ("key") DO UPDATE SET
        "hits" = CASE WHEN c."resetAt" <= (now() AT TIME ZONE 'UTC') THEN 1 ELSE c."hits" + 1 END,
        "resetAt" = CASE WHEN c."resetAt" <= (now() AT TIME ZONE 'UTC') THEN EXCLUDED."resetAt" ELSE c."resetAt" END
      RETURNING "hits", "resetAt"`;
    return { totalHits: row!.hits, resetTime: row!.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.db.$executeRaw`UPDATE "RateLimitCounter" SET "hits" = GREATEST("hits" - 1, 0) WHERE "key" = ${this.prefix + key}`;
  }

  async resetKey(key: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "key" = ${this.prefix + key}`;
  }

  private async prune(): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "resetAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute'`.catch(() => undefined);
  }
}
