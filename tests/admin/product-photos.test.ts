// Product photos in the back office: uploads of each accepted kind, made into the sizes pages use
// and served for a year; refusals by what the bytes are (not the name), by size and count; and the
// merchant arranging them.
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, PHOTO_SIZES } from '../../src/catalog/photos';
import { AdminBrowser, hiddenField, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';

let h: AdminHarness;
let admin: AdminBrowser;
let productId: number;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
  productId = (await h.db.product.findUniqueOrThrow({ where: { slug: 'yingge-ceramic-cup' } })).id;
});
afterAll(() => h.close());

const picture = (width: number, height: number, colour: string) => sharp({ create: { width, height, channels: 3, background: colour } });

interface Upload {
  name: string;
  bytes: Buffer;
  type: string;
}

async function upload(files: Upload[], browser = admin, path = `/admin/products/${productId}/photos?lang=en`) {
  const page = await browser.agent.get(`/admin/products/${productId}`);
  const csrf = page.status === 200 ? hiddenField(page.text, '_csrf') : await browser.csrfToken();
  let post = browser.agent.post(path).field('_csrf', csrf);
  for (const file of files) post = post.attach('photos', file.bytes, { filename: file.name, contentType: file.type });
  return post;
}

const photosOf = () => h.db.productPhoto.findMany({ where: { productId }, orderBy: { position: 'asc' }, include: { variants: { select: { size: true, width: true, height: true } } } });
const problem = (html: string) => /data-testid="photo-problem" data-problem="([^"]+)">([^<]*)</.exec(html)?.slice(1);

describe('uploading photos', () => {
  it('takes JPEG, PNG and WebP, upright, in the sizes pages use, after the photo already there', async () => {
    const before = (await photosOf()).length;
    // A phone photo held sideways: 1600×1200 pixels stored with EXIF orientation 6 (turn 90°).
    const sideways = await picture(1600, 1200, '#c0392b').jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const res = await upload([
      { name: '側拍.jpg', bytes: sideways, type: 'image/jpeg' },
      { name: 'small.png', bytes: await picture(300, 200, '#2980b9').png().toBuffer(), type: 'image/png' },
      { name: 'wide.webp', bytes: await picture(2400, 1000, '#27ae60').webp().toBuffer(), type: 'image/webp' },
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/products/${productId}`);

    const photos = await photosOf();
    expect(photos).toHaveLength(before + 3);
    const [jpeg, png, webp] = photos.slice(before);
    expect(jpeg).toMatchObject({ mime: 'image/jpeg', width: 1200, height: 1600, position: before });
    expect(png).toMatchObject({ mime: 'image/png', width: 300, height: 200 });
    expect(webp).toMatchObject({ mime: 'image/webp', width: 2400, height: 1000 });
    expect(jpeg!.variants.map((v) => [v.size, v.width, v.height]).sort()).toEqual([['list', 400, 533], ['page', 1000, 1333], ['thumb', 160, 213]]);
    // Never enlarged.
    expect(png!.variants.find((v) => v.size === 'page')).toMatchObject({ width: 300, height: 200 });

    // Served as WebP, of the size the page declares, cacheable for a year.
    const url = `/photos/${webp!.id}-${webp!.contentHash}-list.webp`;
    const served = await request(h.app).get(url).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const size = await sharp(served.body as Buffer).metadata();
    expect([size.format, size.width, size.height]).toEqual(['webp', PHOTO_SIZES.list, 167]);

    const page = await admin.agent.get(`/admin/products/${productId}?lang=en`);
    expect(page.text).toContain('data-notice="admin.photo.added"');
    expect(page.text).toContain('3 photos added.');
    expect(page.text).toMatch(new RegExp(`<img src="/photos/${jpeg!.id}-${jpeg!.contentHash}-thumb.webp" width="160" height="213" class="[^"]*" alt="Yingge Handmade Ceramic Cup">`));
  });

  it('refuses a file whose bytes are not a picture, whatever its name and type say, and adds none of the batch', async () => {
    const before = (await photosOf()).length;
    const good = { name: 'good.png', bytes: await picture(100, 100, '#fff').png().toBuffer(), type: 'image/png' };
    const res = await upload([good, { name: 'invoice.jpg', bytes: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n'), type: 'image/jpeg' }]);
    expect(res.status).toBe(422);
    expect(problem(res.text)).toEqual(['admin.photo.error.not_an_image', '“invoice.jpg” is not a readable JPEG, PNG or WebP picture, whatever its name says. No photo was added.']);
    expect(await photosOf()).toHaveLength(before);
  });

  it('refuses pictures of other kinds, named as accepted ones, with 415', async () => {
    const gif = await picture(50, 50, '#000').gif().toBuffer();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    const tiff = await picture(50, 50, '#000').tiff().toBuffer();
    for (const file of [
      { name: 'photo.png', bytes: gif, type: 'image/png' },
      { name: 'photo.jpg', bytes: svg, type: 'image/jpeg' },
      { name: 'scan.webp', bytes: tiff, type: 'image/webp' },
    ]) {
      const res = await upload([file]);
      expect(res.status, file.name).toBe(415);
      expect(problem(res.text)?.[0]).toBe('admin.photo.error.unsupported_type');
      expect(res.text).toContain(`“${file.name}” is not a JPEG, PNG or WebP picture, whatever its name says`);
    }
  });

  it('refuses a truncated picture, a file over the size limit, too many files and an empty form, never with a 500', async () => {
    const before = (await photosOf()).length;
    const jpeg = await picture(800, 600, '#888').jpeg().toBuffer();
    const truncated = await upload([{ name: 'cut.jpg', bytes: jpeg.subarray(0, 400), type: 'image/jpeg' }]);
    expect(truncated.status).toBe(422);
    expect(problem(truncated.text)?.[0]).toBe('admin.photo.error.not_an_image');

    const huge = Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD_BYTES + 1 - jpeg.length)]);
    const tooBig = await upload([{ name: 'huge.jpg', bytes: huge, type: 'image/jpeg' }]);
    expect(tooBig.status).toBe(413);
    expect(problem(tooBig.text)).toEqual(['admin.photo.error.too_big', 'Too large: a photo may be at most 10 MB.']);

    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.jpg`, bytes: jpeg, type: 'image/jpeg' }));
    const tooMany = await upload(eleven);
    expect(tooMany.status).toBe(422);
    expect(problem(tooMany.text)?.[0]).toBe('admin.photo.error.too_many');

    const none = await upload([]);
    expect(none.status).toBe(422);
    expect(problem(none.text)?.[0]).toBe('admin.photo.error.none');
    expect(await photosOf()).toHaveLength(before);
  });

  it('needs the sign-in and the CSRF token, however the form is sent', async () => {
    const before = (await photosOf()).length;
    const bytes = await picture(100, 100, '#123456').png().toBuffer();
    const visitor = new AdminBrowser(h.app);
    const signedOut = await upload([{ name: 'x.png', bytes, type: 'image/png' }], visitor);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.location).toBe('/admin/login');
    // A stranger's upload is not even read: the sign-in is checked before the body (and so before
    // its CSRF token, which would otherwise answer 403).
    const stranger = await request(h.app).post(`/admin/products/${productId}/photos`).attach('photos', Buffer.alloc(MAX_UPLOAD_BYTES + 1), 'big.jpg');
    expect(stranger.status).toBe(303);
    expect(stranger.headers.location).toBe('/admin/login');

    const noToken = await admin.agent.post(`/admin/products/${productId}/photos`).attach('photos', bytes, { filename: 'x.png', contentType: 'image/png' });
    expect(noToken.status).toBe(403);
    const wrongToken = await admin.agent.post(`/admin/products/${productId}/photos`).field('_csrf', 'forged').attach('photos', bytes, 'x.png');
    expect(wrongToken.status).toBe(403);
    expect(await photosOf()).toHaveLength(before);
    // Not a product: 404 after the upload is read.
    expect((await upload([{ name: 'x.png', bytes, type: 'image/png' }], admin, '/admin/products/999999/photos')).status).toBe(404);
  });
});

describe('arranging photos', () => {
  const order = async () => (await photosOf()).map((photo) => photo.id);
  const post = async (path: string, fields: Record<string, string> = {}) => admin.post(path, fields);

  it('moves a photo up, down and to the front, keeping positions 0, 1, 2…', async () => {
    const ids = await order();
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = ids;
    expect((await post(`/admin/products/${productId}/photos/${c}/move`, { move: 'up' })).status).toBe(303);
    expect((await order()).slice(0, 3)).toEqual([a, c, b]);
    await post(`/admin/products/${productId}/photos/${a}/move`, { move: 'down' });
    expect((await order()).slice(0, 3)).toEqual([c, a, b]);
    await post(`/admin/products/${productId}/photos/${b}/move`, { move: 'first' });
    expect((await order()).slice(0, 3)).toEqual([b, c, a]);
    expect((await photosOf()).map((photo) => photo.position)).toEqual(ids.map((_, i) => i));

    // The shop's list shows the new first photo.
    const first = (await photosOf())[0]!;
    expect((await request(h.app).get('/')).text).toContain(`/photos/${first.id}-${first.contentHash}-list.webp`);
  });

  it('deletes a photo and its sizes, whose address then answers 404', async () => {
    const [first, ...rest] = await photosOf();
    const url = `/photos/${first!.id}-${first!.contentHash}-page.webp`;
    expect((await request(h.app).get(url)).status).toBe(200);
    expect((await post(`/admin/products/${productId}/photos/${first!.id}/delete`)).status).toBe(303);
    expect(await order()).toEqual(rest.map((photo) => photo.id));
    expect((await photosOf()).map((photo) => photo.position)).toEqual(rest.map((_, i) => i));
    expect(await h.db.productPhotoVariant.count({ where: { photoId: first!.id } })).toBe(0);
    expect((await request(h.app).get(url)).status).toBe(404);
  });

  it('answers 404 for a photo of another product and 400 for a bad move', async () => {
    const other = await h.db.productPhoto.findFirstOrThrow({ where: { productId: { not: productId } } });
    expect((await post(`/admin/products/${productId}/photos/${other.id}/move`, { move: 'up' })).status).toBe(404);
    expect((await post(`/admin/products/${productId}/photos/${other.id}/delete`)).status).toBe(404);
    expect(await h.db.productPhoto.count({ where: { id: other.id } })).toBe(1);
    const mine = (await photosOf())[0]!;
    expect((await post(`/admin/products/${productId}/photos/${mine.id}/move`, { move: 'sideways' })).status).toBe(400);
    expect((await post(`/admin/products/${productId}/photos/abc/delete`)).status).toBe(404);
  });
});
