// Product photos: what an upload may be, the sizes pages show, and the URLs they are served at.
// Every size is made once, when the photo is added, with sharp (libvips), and stored in
// PostgreSQL beside the photo (ProductPhotoVariant), so any process of the shop serves any photo
// and a backup of the database holds the whole shop (docs/catalogue.md says why not a directory).
//
// One format, WebP: every browser the shop supports (Bootstrap 5's list, Safari 14 and later)
// shows it, and it is about a third smaller than JPEG at the same quality. A JPEG copy of each
// size would double the storage for no browser the shop serves.
import { createHash } from 'node:crypto';
import type { Metadata } from 'sharp';
import type { PhotoSize } from '../generated/prisma/enums';

export type { PhotoSize };

/** Width in pixels of each size (never wider than the upload): a list card on a 2x screen, and the product page's column. */
export const PHOTO_SIZES: Record<PhotoSize, number> = { thumb: 160, list: 400, page: 1000 };

/** What a merchant may upload, by what the bytes are (not by the file's name or the browser's word). */
export const UPLOAD_FORMATS: Readonly<Record<string, string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** The largest upload accepted, in bytes. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

// A picture of more pixels than a 50-megapixel camera makes is refused before it is decoded: a
// small file can claim a huge canvas ("decompression bomb").
const MAX_INPUT_PIXELS = 50_000_000;

const WEBP = { quality: 80 } as const;
const PHOTO_FILE = /^(\d{1,10})-([0-9a-f]{16})-(thumb|list|page)\.webp$/;

export interface PhotoRef {
  id: number;
  contentHash: string;
}

interface PhotoVariantData {
  size: PhotoSize;
  width: number;
  height: number;
  bytes: Uint8Array<ArrayBuffer>;
}

/** A photo ready to store: what it is and each size of it. */
export interface PreparedPhoto {
  contentHash: string;
  mime: string;
  width: number;
  height: number;
  variants: PhotoVariantData[];
}

type PhotoRefusal = 'not_an_image' | 'unsupported_type' | 'too_many_pixels';

/** The bytes are not a photo the shop takes; `reason` says why, for the form's message. */
export class PhotoRefused extends Error {
  override name = 'PhotoRefused';
  constructor(readonly reason: PhotoRefusal, detail: string) {
    super(detail);
  }
}

export function photoUrl(photo: PhotoRef, size: PhotoSize): string {
  return `/photos/${photo.id}-${photo.contentHash}-${size}.webp`;
}

/** The photo and size a /photos/ file name asks for, or undefined when it names none. */
export function parsePhotoFile(file: string): { id: number; contentHash: string; size: PhotoSize } | undefined {
  const match = PHOTO_FILE.exec(file);
  if (!match) return undefined;
  return { id: Number(match[1]), contentHash: match[2]!, size: match[3] as PhotoSize };
}

/** The pixel size of one size of a photo, for the width and height attributes that keep a page from shifting as images load. */
export function photoDimensions(photo: { width: number; height: number }, size: PhotoSize): { width: number; height: number } {
  const width = Math.min(photo.width, PHOTO_SIZES[size]);
  return { width, height: Math.max(1, Math.round((photo.height * width) / photo.width)) };
}

/**
 * Reads the bytes (sniffing what they are with libvips, whatever the file is called), turns the
 * picture upright as the camera recorded it, and makes every size. `formats` maps the formats
 * accepted (sharp's names) to their MIME types; anything else is refused with PhotoRefused.
 */
export async function preparePhoto(bytes: Buffer, formats: Readonly<Record<string, string>> = UPLOAD_FORMATS): Promise<PreparedPhoto> {
  // Loaded with the first photo, not at start: libvips is about 19 MB of resident memory that a
  // process serving pages and callbacks never needs (issue 26's idle RSS target).
  const { default: sharp } = await import('sharp');
  let declared: Metadata;
  try {
    declared = await sharp(bytes).metadata();
  } catch (error) {
    throw new PhotoRefused('not_an_image', `not an image: ${(error as Error).message}`);
  }
  const format = declared.format as string | undefined;
  const mime = format ? formats[format] : undefined;
  if (!mime) throw new PhotoRefused('unsupported_type', `format ${format ?? 'unknown'} not accepted`);
  if (!declared.width || !declared.height) throw new PhotoRefused('not_an_image', 'no size');
  if (declared.width * declared.height > MAX_INPUT_PIXELS) throw new PhotoRefused('too_many_pixels', `${declared.width}x${declared.height}`);

  // A drawing (the demo products' SVGs) is drawn at the largest size pages show, not at the few
  // hundred pixels its file declares.
  const density = format === 'svg' ? Math.max(72, (72 * PHOTO_SIZES.page) / declared.width) : undefined;
  const input = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, density });
  // Upright as the camera recorded it (EXIF orientation), which may swap width and height.
  const upright = (await input().metadata()).autoOrient;
  try {
    // Decoded once, at the largest size pages show; the smaller sizes are made from those pixels.
    const largest = photoDimensions(upright, 'page');
    const { data: pixels, info } = await input().autoOrient().resize(largest.width, largest.height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const variants = await Promise.all(
      (Object.keys(PHOTO_SIZES) as PhotoSize[]).map(async (size) => {
        const { width, height } = photoDimensions(upright, size);
        const data = await sharp(pixels, { raw: { width: info.width, height: info.height, channels: info.channels } })
          .resize(width, height, { fit: 'fill' })
          .webp(WEBP)
          .toBuffer();
        return { size, width, height, bytes: new Uint8Array(data) };
      }),
    );
    return {
      contentHash: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
      mime,
      width: upright.width,
      height: upright.height,
      variants,
    };
  } catch (error) {
    // The header was readable but the picture is not (a truncated or corrupt file).
    throw new PhotoRefused('not_an_image', `cannot be decoded: ${(error as Error).message}`);
  }
}
