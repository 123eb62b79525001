// Reading the photo upload form (multipart/form-data) with multer, into memory and within limits.
// It runs after the sign-in check (app.ts) and before the CSRF check, which needs the form's _csrf
// field that only this parser can read; the route then needs the token like every other. A limit broken
// is not an error page: the parser notes which, drains the rest of the body, and the route shows
// the product's page with the reason.
import type { RequestHandler } from 'express';
import multer from 'multer';
import { MAX_UPLOAD_BYTES } from '../catalog/photos';

/** How many photos one form may carry. */
const MAX_PHOTOS_PER_UPLOAD = 10;

export type UploadRefusal = 'too_big' | 'too_many' | 'bad_form';

declare module 'express-serve-static-core' {
  interface Locals {
    uploadRefusal?: UploadRefusal;
  }
}

export function photoUploadParser(): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: MAX_PHOTOS_PER_UPLOAD, fields: 5, fieldSize: 1_000, parts: MAX_PHOTOS_PER_UPLOAD + 5 },
    // File names as browsers send them today (UTF-8), so a name in Chinese reads back as typed.
    defParamCharset: 'utf8',
  }).array('photos', MAX_PHOTOS_PER_UPLOAD);
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error) res.locals.uploadRefusal = refusalFor(error);
      next();
    });
  };
}

function refusalFor(error: unknown): UploadRefusal {
  if (!(error instanceof multer.MulterError)) return 'bad_form'; // busboy's own: not multipart as it claims
  if (error.code === 'LIMIT_FILE_SIZE') return 'too_big';
  return error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE' ? 'too_many' : 'bad_form';
}
