// Product photos as pages link them (src/catalog/photos.ts photoUrl). The file name carries the
// photo's content hash, so a URL always means the same bytes and browsers and proxies may keep it
// for a year without asking again. Mounted before cookies and CSRF: an image sets no cookie, so
// any shared cache may hold it.
import { Router } from 'express';
import { parsePhotoFile } from '../catalog/photos';
import type { Database } from '../db/prisma';
import { NotFoundError } from '../web/errors';

export function photoRoutes({ db }: { db: Database }): Router {
  const router = Router();
  router.get('/photos/:file', async (req, res) => {
    const wanted = parsePhotoFile(req.params.file);
    const variant = wanted
      ? await db.productPhotoVariant.findFirst({
          where: { photoId: wanted.id, size: wanted.size, photo: { contentHash: wanted.contentHash } },
          select: { bytes: true },
        })
      : null;
    if (!variant) throw new NotFoundError(`no photo ${req.params.file}`);
    res.set({ 'Content-Type': 'image/webp', 'Cache-Control': 'public, max-age=31536000, immutable' });
    res.send(Buffer.from(variant.bytes.buffer, variant.bytes.byteOffset, variant.bytes.byteLength));
  });
  return router;
}
