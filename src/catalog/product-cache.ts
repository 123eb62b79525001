// The active products, held in memory between changes: every page shows them and they change only
// when stock moves or the merchant edits them, yet reading them was a query on every page view.
// Every change to the Product table, and to the photos and categories pages show with it, raises a
// PostgreSQL notification (migrations product_change_notify, catalogue) that reaches every process once the change commits, whichever process or
// tool made it; each process then drops its copy and the next page reads the table again.
// While the listening connection is down nothing is kept: every read goes to the database, as
// without the cache, until the listener is back.
import type { Logger } from 'pino';
import { listenToChannel } from '../db/channel-listener';
import type { Database } from '../db/prisma';
import { listProducts, type CatalogProduct } from './products';

export const PRODUCT_CHANNEL = 'product_changed';

export interface ProductCache {
  /** The active products in id order, as listProducts reads them. */
  list(): Promise<CatalogProduct[]>;
  close(): Promise<void>;
}

export async function startProductCache(options: { db: Database; databaseUrl: string; logger: Logger }): Promise<ProductCache> {
  const { db, logger } = options;
  let kept: CatalogProduct[] | undefined;
  // Moves on every change heard and every gap in listening, so that a read that began before a
  // change is not kept after it.
  let generation = 0;
  let listening = false;

  const forget = () => {
    generation += 1;
    kept = undefined;
  };

  const listener = await listenToChannel({
    databaseUrl: options.databaseUrl,
    channel: PRODUCT_CHANNEL,
    logger,
    onNotification: forget,
    // Changes made while no one listened went unheard: start from the table.
    onListening: () => {
      forget();
      listening = true;
    },
    onLost: () => {
      listening = false;
      forget();
    },
  });
  return {
    async list() {
      if (kept) return kept;
      const readAt = generation;
      const products = await listProducts(db);
      if (listening && readAt === generation) kept = products;
      return products;
    },
    async close() {
      listening = false;
      await listener.close();
    },
  };
}
