// A product's photos as the merchant arranges them: added at the end, moved, removed. Positions
// are kept 0, 1, 2… in the order shown; the first is the one lists show. Each change takes the
// product's photo rows in turn (FOR UPDATE), so two merchants arranging at once cannot leave two
// photos in one place.
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { PreparedPhoto } from './photos';

type Tx = Prisma.TransactionClient;

export type PhotoMove = 'first' | 'up' | 'down';

async function lockedOrder(tx: Tx, productId: number): Promise<number[]> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM "ProductPhoto" WHERE "productId" = ${productId} ORDER BY position, id FOR UPDATE`;
  return rows.map((row) => row.id);
}

async function renumber(tx: Tx, ids: number[]): Promise<void> {
  for (const [position, id] of ids.entries()) await tx.productPhoto.update({ where: { id }, data: { position }, select: { id: true } });
}

/** Adds the photos after the product's others, in the order given; false when there is no such product. */
export async function addPhotos(db: Database, productId: number, photos: PreparedPhoto[]): Promise<boolean> {
  return db.$transaction(
    async (tx) => {
      // The photos' foreign key keeps the product from going away meanwhile, without holding up a checkout.
      if (!(await tx.product.findUnique({ where: { id: productId }, select: { id: true } }))) return false;
      const start = (await lockedOrder(tx, productId)).length;
      for (const [index, { variants, ...photo }] of photos.entries()) {
        await tx.productPhoto.create({ data: { ...photo, productId, position: start + index, variants: { create: variants } }, select: { id: true } });
      }
      return true;
    },
    // A few megabytes of WebP to write.
    { timeout: 30_000 },
  );
}

/** False when the product has no such photo. */
export async function movePhoto(db: Database, productId: number, photoId: number, move: PhotoMove): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const ids = await lockedOrder(tx, productId);
    const from = ids.indexOf(photoId);
    if (from < 0) return false;
    const to = move === 'first' ? 0 : move === 'up' ? Math.max(0, from - 1) : Math.min(ids.length - 1, from + 1);
    ids.splice(from, 1);
    ids.splice(to, 0, photoId);
    await renumber(tx, ids);
    return true;
  });
}

/** False when the product has no such photo. Its sizes go with it. */
export async function removePhoto(db: Database, productId: number, photoId: number): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const ids = await lockedOrder(tx, productId);
    if (!ids.includes(photoId)) return false;
    await tx.productPhoto.delete({ where: { id: photoId }, select: { id: true } });
    await renumber(tx, ids.filter((id) => id !== photoId));
    return true;
  });
}
