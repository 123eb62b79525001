// The active products and the categories, held in memory between changes: every page shows them
// and they change only when stock moves or the merchant edits them, yet reading them was a query on
// every page view. Every change to the Product table (and to the categories and photos, migration
// catalogue) raises a PostgreSQL notification (migration product_change_notify) that reaches every
// process once the change commits, whichever process or tool made it; each process then drops its
// copy and the next page reads the tables again.
// While the listening connection is down nothing is kept: every read goes to the database, as
// without the cache, until the listener is back.
import type { Logger } from 'pino';
import { listenToChannel } from '../db/channel-listener';
import type { Database } from '../db/prisma';
import type { ProductSnapshot } from './product-snapshot';
import { readProductSnapshot, type ActiveProducts } from './products';

export const PRODUCT_CHANNEL = 'product_changed';

export interface ProductCache extends ActiveProducts {
  close(): Promise<void>;
}

export async function startProductCache(options: { db: Database; databaseUrl: string; logger: Logger }): Promise<ProductCache> {
  const { db, logger } = options;
  let kept: ProductSnapshot | undefined;
  // The read under way, shared by every page that asks meanwhile: after a change, a burst of pages
  // costs one read of the tables, not one each (with 10,000 products each read is tens of ms).
  let reading: { generation: number; snapshot: Promise<ProductSnapshot> } | undefined;
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
    async snapshot() {
      if (kept) return kept;
      if (reading?.generation === generation) return reading.snapshot;
      const readAt = generation;
      const current = { generation: readAt, snapshot: readProductSnapshot(db) };
      reading = current;
      // Registered before any caller awaits it, so a caller that asks again after its answer starts a new read.
      const done = () => {
        if (reading === current) reading = undefined;
      };
      current.snapshot.then((read) => {
        done();
        if (listening && readAt === generation) kept = read;
      }, done);
      return current.snapshot;
    },
    async close() {
      listening = false;
      await listener.close();
    },
  };
}
