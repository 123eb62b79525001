// The active products and the categories, held in memory between changes: every page shows them
// and they change only when stock moves or the merchant edits them, yet reading them was a query on
// every page view. Every change to a product, its photos or its shelves raises a PostgreSQL
// notification carrying the product's id, and a change to a category one carrying nothing
// (migrations product_change_notify, catalogue, product_change_ids); it reaches every process
// once the change commits, whichever process or tool made it.
//
// Each process then reads again only the products named (all of them after a nameless change),
// and keeps showing its previous snapshot until the next one is ready: with 10,000 products a
// full read takes about a second, which pages must not wait for after every sale. A change is on
// the pages once that read is done, in milliseconds for a few products.
// While the listening connection is down nothing is kept: every read goes to the database, as
// without the cache, until the listener is back.
import type { Logger } from 'pino';
import { listenToChannel } from '../db/channel-listener';
import type { Database } from '../db/prisma';
import { DEFAULT_SORT, type ProductSnapshot } from './product-snapshot';
import { readProductChanges, readProductSnapshot, type ActiveProducts } from './products';

const PRODUCT_CHANNEL = 'product_changed';

// Past this many products changed at once (an import, say), reading everything is cheaper.
const MAX_PRODUCTS_READ_AGAIN = 500;

export interface ProductCache extends ActiveProducts {
  close(): Promise<void>;
}

export async function startProductCache(options: { db: Database; databaseUrl: string; logger: Logger }): Promise<ProductCache> {
  const { db, logger } = options;
  let kept: ProductSnapshot | undefined;
  // What changed since `kept` was read: some products, or (everything) anything at all.
  let changed = new Set<number>();
  let everything = true;
  let listening = false;
  // The read under way, which every page that needs one waits for rather than starting its own.
  let reading: Promise<ProductSnapshot> | undefined;

  const heard = (payload: string) => {
    const id = Number(payload);
    if (payload !== '' && Number.isSafeInteger(id)) changed.add(id);
    else everything = true;
    if (changed.size > MAX_PRODUCTS_READ_AGAIN) everything = true;
  };

  function readAgain(): Promise<ProductSnapshot> {
    if (reading) return reading;
    const base = everything ? undefined : kept;
    const ids = [...changed];
    // Changes heard from here on are for the next read.
    changed = new Set();
    everything = false;
    const current = (base ? readProductChanges(db, base, ids) : readProductSnapshot(db)).then(
      (snapshot) => {
        reading = undefined;
        if (!listening) return snapshot;
        // The shop's first page sorts in the background, not while a shopper waits.
        snapshot.inOrder(DEFAULT_SORT);
        kept = snapshot;
        if (everything || changed.size > 0) void readAgain().catch(() => undefined);
        return snapshot;
      },
      (error: unknown) => {
        reading = undefined;
        everything = true;
        throw error;
      },
    );
    reading = current;
    return current;
  }

  const listener = await listenToChannel({
    databaseUrl: options.databaseUrl,
    channel: PRODUCT_CHANNEL,
    logger,
    onNotification: heard,
    // Changes made while no one listened went unheard: start from the tables.
    onListening: () => {
      everything = true;
      listening = true;
    },
    onLost: () => {
      listening = false;
      everything = true;
      kept = undefined;
    },
  });
  return {
    async snapshot() {
      if (!listening) return readProductSnapshot(db);
      if (!kept) return readAgain();
      if (everything || changed.size > 0) {
        readAgain().catch((error: unknown) => logger.warn({ err: error }, 'product cache could not read the products again; keeps the last'));
      }
      return kept;
    },
    async close() {
      listening = false;
      await listener.close();
    },
  };
}
