// The rate limits' counts in PostgreSQL, so that every process of the shop counts against one limit
// (in memory, N processes allowed N times the limit). One upsert per counted request: it starts a
// new window when the last one is over, and returns the count and the window's end. A generous
// limit can count in batches instead (BatchedRateLimitStore). The statements go on the pg pool
// beneath Prisma, as the payments' hottest ones do (payments/payment-sql.ts): a checkout, a cart
// change and each new bank notification wait for one, and through Prisma each cost several times
// the client CPU. This is the one module of the rate limits that reaches that pool.
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { poolOf, type Database } from '../db/prisma';

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

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.add(key, 1);
  }

  /** Counts `hits` requests at once. */
  async add(key: string, hits: number): Promise<ClientRateLimitInfo> {
    const [info] = await this.addEach([key], hits);
    return info!;
  }

  /**
   * Counts `hits` requests against each of `keys` (all different) in one statement, for a request
   * that spends several budgets at once; the counts come back in the order of `keys`.
   */
  async addEach(keys: readonly string[], hits = 1): Promise<ClientRateLimitInfo[]> {
    this.counted += hits * keys.length;
    if (this.counted >= PRUNE_EVERY) {
      this.counted = 0;
      void this.prune();
    }
    // Rows are taken in the order of their keys, as takeBack takes them, so that two statements
    // counting the same keys wait for each other rather than deadlock. Timestamps are UTC wall
    // time, as Prisma writes its timestamp columns; the window's end comes back as milliseconds
    // since the epoch, which reads the same in any time zone the process runs in.
    const { rows } = await poolOf(this.db).query<{ key: string; hits: number; resetAtMs: number }>(
      `INSERT INTO "RateLimitCounter" AS c ("key", "hits", "resetAt")
       SELECT k, $1::int, (now() AT TIME ZONE 'UTC') + $2::int * interval '1 millisecond'
       FROM unnest($3::text[]) AS k ORDER BY k
       ON CONFLICT ("key") DO UPDATE SET
         "hits" = CASE WHEN c."resetAt" <= (now() AT TIME ZONE 'UTC') THEN EXCLUDED."hits" ELSE c."hits" + EXCLUDED."hits" END,
         "resetAt" = CASE WHEN c."resetAt" <= (now() AT TIME ZONE 'UTC') THEN EXCLUDED."resetAt" ELSE c."resetAt" END
       RETURNING "key", "hits", (extract(epoch FROM "resetAt") * 1000)::float8 AS "resetAtMs"`,
      [hits, this.windowMs, keys.map((key) => this.prefix + key)],
    );
    const byKey = new Map(rows.map((row) => [row.key, { totalHits: row.hits, resetTime: new Date(row.resetAtMs) }]));
    return keys.map((key) => byKey.get(this.prefix + key)!);
  }

  decrement(key: string): Promise<void> {
    return this.takeBack([key]);
  }

  /**
   * Takes one request back from each key (never below zero), in one statement. Its rows are locked
   * in the order of their keys first, as addEach takes them, so that the two never deadlock.
   */
  async takeBack(keys: readonly string[]): Promise<void> {
    await poolOf(this.db).query(
      `WITH locked AS (SELECT "key" FROM "RateLimitCounter" WHERE "key" = ANY($1::text[]) ORDER BY "key" FOR UPDATE)
       UPDATE "RateLimitCounter" c SET "hits" = GREATEST(c."hits" - 1, 0) FROM locked WHERE c."key" = locked."key"`,
      [keys.map((key) => this.prefix + key)],
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "key" = ${this.prefix + key}`;
  }

  private async prune(): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "RateLimitCounter" WHERE "resetAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute'`.catch(() => undefined);
  }
}

/**
 * For a generous limit, where a few requests over it matter less than a database round trip for
 * every request (the bank callbacks'): each process counts a key's requests itself and adds them to
 * the shared count every `batch` requests, and at the first request of a window. Together, N
 * processes can let through at most N × (batch − 1) requests more than the limit.
 */
export class BatchedRateLimitStore implements Store {
  private readonly keys = new Map<string, { shared: number; unsent: number; resetAt: Date }>();

  constructor(private readonly shared: PostgresRateLimitStore, private readonly batch: number) {}

  init(options: Options): void {
    this.shared.init(options);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = Date.now();
    const known = this.keys.get(key);
    const current = known !== undefined && known.resetAt.getTime() > now ? known : undefined;
    if (current && current.unsent + 1 < this.batch) {
      current.unsent++;
      return { totalHits: current.shared + current.unsent, resetTime: current.resetAt };
    }
    // What this process counted in a window that is over is not carried into the next one. Requests
    // counted while the batch is on its way stay to be sent with the next.
    const sending = (current?.unsent ?? 0) + 1;
    if (current) current.unsent = 0;
    const info = await this.shared.add(key, sending);
    const resetAt = info.resetTime!;
    const latest = this.keys.get(key);
    if (latest !== undefined && latest.resetAt.getTime() === resetAt.getTime()) {
      // The answers to batches sent at once come back in any order: within a window the shared count
      // only grows, and what was counted here meanwhile stays to be sent.
      latest.shared = Math.max(latest.shared, info.totalHits);
      return { totalHits: latest.shared + latest.unsent, resetTime: resetAt };
    }
    const meanwhile = current !== undefined && latest === current ? current.unsent : 0;
    if (this.keys.size >= MAX_KEYS) this.forgetPast(now);
    this.keys.set(key, { shared: info.totalHits, unsent: meanwhile, resetAt });
    return { totalHits: info.totalHits + meanwhile, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    const known = this.keys.get(key);
    if (known && known.unsent > 0) known.unsent--;
    else await this.shared.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    this.keys.delete(key);
    await this.shared.resetKey(key);
  }

  private forgetPast(now: number): void {
    for (const [key, known] of this.keys) if (known.resetAt.getTime() <= now) this.keys.delete(key);
    // Addresses still within their window when there are this many: the oldest are counted exactly again.
    for (const key of this.keys.keys()) {
      if (this.keys.size < MAX_KEYS / 2) break;
      this.keys.delete(key);
    }
  }
}

/** The addresses a BatchedRateLimitStore remembers at most; one forgotten costs a round trip. */
const MAX_KEYS = 10_000;
