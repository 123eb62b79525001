// What the database client alone costs in resident memory: a process that does nothing but look
// up products, through Prisma as the shop makes it (CLIENT=prisma) or through pg (CLIENT=pg), and
// prints its RSS as JSON. Run twice by the bench (DATABASE_URL, SLUG); the difference is Prisma's
// share of the shop's memory, which no change to the shop's own code can take away.
import pg from 'pg';

const QUERIES = 300;
const url = process.env.DATABASE_URL!;
const slug = process.env.SLUG!;

if (process.env.CLIENT === 'prisma') {
  const { createDatabase } = await import('../../src/db/prisma');
  const db = createDatabase(url, { poolSize: 1 });
  for (let i = 0; i < QUERIES; i++) await db.product.findFirst({ where: { slug, status: 'active' } });
  await db.$disconnect();
} else {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  for (let i = 0; i < QUERIES; i++) await pool.query(`SELECT * FROM "Product" WHERE slug = $1 AND status = 'active' LIMIT 1`, [slug]);
  await pool.end();
}
console.log(JSON.stringify({ rss: process.memoryUsage().rss }));
