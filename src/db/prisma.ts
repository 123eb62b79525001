// The shop's database client: Prisma on the pg driver adapter (no query-engine binary).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

export function createDatabase(url: string, options: { poolSize?: number; onPoolError?: (error: Error) => void } = {}): Database {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 }, { onPoolError: options.onPoolError }),
  });
}
