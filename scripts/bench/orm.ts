// What one query costs the shop's database client: the same product lookup through Prisma (as the
// shop's code makes it) and through the bare pg driver underneath, in CPU time of this process.
import type { Figure } from './report';
import type { CountedDatabase } from './counted-database';
import { sized } from './sizes';

const QUERIES = sized(300, 100);
const ROUNDS = 2;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function cpuPerQuery(query: () => Promise<unknown>): Promise<number> {
  const started = cpuMs();
  for (let i = 0; i < QUERIES; i++) await query();
  return (cpuMs() - started) / QUERIES;
}

export async function measureQueryCost(database: CountedDatabase, slug: string): Promise<Figure[]> {
  const prisma = () => database.db.product.findFirst({ where: { slug, status: 'active' } });
  const pg = () => database.pool.query(`SELECT * FROM "Product" WHERE slug = $1 AND status = 'active' LIMIT 1`, [slug]);
  await cpuPerQuery(prisma);
  await cpuPerQuery(pg);
  let prismaMs = 0;
  let pgMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    prismaMs += (await cpuPerQuery(prisma)) / ROUNDS;
    pgMs += (await cpuPerQuery(pg)) / ROUNDS;
  }
  return [{
    section: 'database',
    measure: 'client CPU per query (product by slug, Prisma)',
    value: prismaMs,
    unit: 'CPU ms',
    baseline: { label: 'same SQL on pg', value: pgMs },
    target: { maxRatio: 3, text: '≤ 3.00×' },
  }];
}
