// Resident memory of the shop process against the bare baselines', each read from /proc. The shop
// is one process serving pages and callbacks; its baseline is the bare app (Express, Nunjucks, the
// same templates) both idle and after its page rounds, so that the two target ratios compare like
// with like. The bare callback endpoint's RSS after its own burst is a second, smaller baseline
// for the after-burst figure.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ChildServer } from './child-server';
import type { Figure } from './report';

export type MemorySample = ReturnType<ChildServer['memory']>;

const MB = 1024 * 1024;

export function memoryFigures(
  shop: { idle: MemorySample; loaded: MemorySample },
  bare: { idle: MemorySample; loaded: MemorySample },
  bareEndpoint: MemorySample,
): Figure[] {
  const figure = (measure: string, value: number, label: string, baseline: number, target?: Figure['target']): Figure => ({
    section: 'memory',
    measure,
    value: value / MB,
    unit: 'MB',
    baseline: { label, value: baseline / MB },
    ...(target && { target }),
  });
  return [
    // Issue 26 re-based the idle target on a process that only loads Prisma (idleRssAgainstPrisma).
    figure('shop RSS, idle after start', shop.idle.rss, 'bare app', bare.idle.rss),
    figure('shop RSS after the burst', shop.loaded.rss, 'bare app after its page rounds', bare.loaded.rss, { maxRatio: 1.6, text: '≤ 1.60×' }),
    figure('shop RSS after the burst', shop.loaded.rss, 'bare callback endpoint after its burst', bareEndpoint.rss),
    figure('shop peak RSS', shop.loaded.peakRss, 'bare app', bare.loaded.peakRss),
  ];
}

async function clientRss(client: 'prisma' | 'pg', databaseUrl: string, slug: string): Promise<number> {
  const script = fileURLToPath(new URL('client-memory.ts', import.meta.url));
  // On V8's baseline tier for WASM, as the shop runs Prisma's query compiler (src/run-shop.ts).
  const { stdout } = await promisify(execFile)(process.execPath, ['--liftoff-only', '--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', CLIENT: client, DATABASE_URL: databaseUrl, SLUG: slug },
  });
  return (JSON.parse(stdout) as { rss: number }).rss;
}

/**
 * Issue 26's re-based idle target: the shop idle against a process that only loads Prisma and
 * looks a product up (the stack the project keeps), at most 1.3×.
 */
export function idleRssAgainstPrisma(shopIdle: MemorySample, prismaOnly: Figure): Figure {
  return {
    section: 'memory',
    measure: 'shop RSS, idle after start',
    value: shopIdle.rss / MB,
    unit: 'MB',
    baseline: { label: 'a process that only loads Prisma and looks a product up', value: prismaOnly.value },
    target: { maxRatio: 1.3, text: '≤ 1.30×' },
  };
}

/** The RSS of the same product lookups made through Prisma and through pg, each in a process of its own. */
export async function clientMemoryFigure(databaseUrl: string, slug: string): Promise<Figure> {
  const [prisma, pg] = [await clientRss('prisma', databaseUrl, slug), await clientRss('pg', databaseUrl, slug)];
  return {
    section: 'memory',
    measure: 'RSS of a process that only looks up products, through Prisma',
    value: prisma / MB,
    unit: 'MB',
    baseline: { label: 'the same through pg', value: pg / MB },
  };
}
