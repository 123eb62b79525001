// What load balancers and monitoring ask: /healthz (the process answers), /readyz (its database
// answers and has every migration this code expects) and /metrics (Prometheus), the last only from
// loopback or with the metrics token, since it tells how the business is going.
import { timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import type { Database } from '../db/prisma';
import { readMigrations } from '../db/migrate';
import type { ShopMetrics } from '../metrics';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function mayReadMetrics(req: Request, token: string | undefined): boolean {
  // req.ip is the client behind the loopback proxy, if any: a proxied request is not "local".
  if (LOOPBACK.test(req.ip ?? '')) return true;
  const given = req.get('authorization')?.replace(/^Bearer /, '');
  if (!token || !given) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

export function setUpHealth(app: Express, deps: { db: Database; metrics?: ShopMetrics; metricsToken?: string }): void {
  // The migrations this code was written against.
  const expected = readMigrations().map((migration) => migration.name);
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));

  app.get('/readyz', async (_req, res) => {
    try {
      const applied = await deps.db.$queryRaw<Array<{ migration_name: string }>>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const names = new Set(applied.map((row) => row.migration_name));
      const missing = expected.filter((name) => !names.has(name));
      if (missing.length > 0) return void res.status(503).json({ status: 'not ready', reason: `migrations not applied: ${missing.join(', ')}` });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'not ready', reason: 'database unreachable' });
    }
  });

  app.get('/metrics', async (req, res) => {
    if (!deps.metrics || !mayReadMetrics(req, deps.metricsToken)) return void res.status(404).json({ error: 'not found' });
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
