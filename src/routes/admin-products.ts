// The back office's products: the list (search, filters, pages), a new product, and one product's
// page, where the merchant edits its details, arranges its photos and changes its stock. Every
// change ends in a redirect to the product's page with a notice, or the page again with the
// values as typed and the errors named.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { setNotice } from '../admin/notices';
import { recordMerchantAction } from '../admin/trail';
import type { UploadRefusal } from '../admin/photo-upload';
import {
  findProductPage,
  findProductRecord,
  listCategories,
  LOW_STOCK,
  PRODUCT_FILTERS,
  productFilterQuery,
  productFiltersSchema,
  idSchema,
  type ProductRecord,
} from '../admin/products';
import { preparePhoto, PhotoRefused, type PreparedPhoto } from '../catalog/photos';
import { createProduct, updateProduct, type ProductEditResult } from '../catalog/product-editor';
import { PRODUCT_FIELDS, readNewProductForm, readProductForm, type ProductErrors } from '../catalog/product-form';
import { addPhotos, movePhoto, removePhoto } from '../catalog/product-photos';
import { changeStock, readStockChangeForm, type StockChangeErrors } from '../catalog/stock';
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { NotFoundError } from '../web/errors';
import { saveSession } from '../web/session';
import { readInput } from './form-input';

type FormValues = Record<string, unknown>;

interface EditorState {
  values?: FormValues;
  errors?: ProductErrors;
  stockValues?: FormValues;
  stockErrors?: StockChangeErrors;
  /** Why an upload was refused: a key, and the file it was about. */
  photoProblem?: { key: string; name?: string };
}

const photoMoveSchema = z.object({ move: z.enum(['first', 'up', 'down']) });

/** The form's fields as the product has them, in the form's own terms (text, and ids as text). */
function valuesOf(record: ProductRecord): FormValues {
  const { product } = record;
  return {
    nameZh: product.nameZh,
    nameEn: product.nameEn,
    descriptionZh: product.descriptionZh,
    descriptionEn: product.descriptionEn,
    slug: product.slug,
    priceTwd: String(product.priceTwd),
    status: product.status,
    categoryIds: product.categories.map((membership) => String(membership.categoryId)),
  };
}

/** The posted values as the form shows them again: the shelves ticked are always a list. */
function keptValues(body: unknown): FormValues {
  const values = { ...(body as FormValues) };
  const ids = values.categoryIds;
  values.categoryIds = ids === undefined ? [] : Array.isArray(ids) ? ids : [ids];
  return values;
}

function errorFields(errors: ProductErrors | undefined): string[] {
  return PRODUCT_FIELDS.filter((name) => errors?.[name]);
}

export function adminProductRoutes(deps: { db: Database }): Router {
  const router = Router();
  const { db } = deps;

  async function record(id: string): Promise<ProductRecord> {
    const parsed = idSchema.safeParse(id);
    const found = parsed.success ? await findProductRecord(db, parsed.data) : undefined;
    if (!found) throw new NotFoundError(`no product ${id}`);
    return found;
  }

  async function renderEditor(res: Response, status: number, found: ProductRecord, state: EditorState = {}): Promise<void> {
    res.status(status).render('admin/product.njk', {
      product: found.product,
      stockChanges: found.stockChanges,
      categories: await listCategories(db),
      values: state.values ?? valuesOf(found),
      errors: state.errors ?? {},
      errorFields: errorFields(state.errors),
      stockValues: state.stockValues ?? {},
      stockErrors: state.stockErrors ?? {},
      photoProblem: state.photoProblem,
      slugLocked: found.product._count.orderLines > 0,
    });
  }

  async function renderNew(res: Response, status: number, values: FormValues, errors: ProductErrors = {}): Promise<void> {
    res.status(status).render('admin/product-new.njk', { categories: await listCategories(db), values, errors, errorFields: errorFields(errors) });
  }

  // Every change a merchant makes here goes into the merchant trail (admin/trail.ts).
  function recorded(req: Request, res: Response, action: 'product_change' | 'stock_change', subject: string, details: Prisma.InputJsonObject) {
    return recordMerchantAction(db, { actor: res.locals.admin.username, action, subject, details, ...(req.ip && { address: req.ip }) });
  }

  async function done(req: Request, res: Response, productId: number, messageKey: string, params?: Record<string, string | number>) {
    setNotice(req.session, { tone: 'success', messageKey, ...(params && { params }) });
    await saveSession(req);
    res.redirect(303, `/admin/products/${productId}`);
  }

  router.get('/products', async (req, res) => {
    const filters = readInput(productFiltersSchema, req.query);
    const page = await findProductPage(db, filters);
    res.render('admin/products.njk', { ...page, filters, query: productFilterQuery(filters), showOptions: PRODUCT_FILTERS, lowStock: LOW_STOCK });
  });

  router.get('/products/new', async (_req, res) => {
    await renderNew(res, 200, { status: 'draft', stock: '0', categoryIds: [] });
  });

  router.post('/products', async (req, res) => {
    const read = readNewProductForm(req.body);
    if ('errors' in read) return renderNew(res, 422, keptValues(req.body), read.errors);
    const result = await createProduct(db, read.form, res.locals.admin.username);
    if (result.kind !== 'saved') return renderNew(res, 422, keptValues(req.body), result.kind === 'refused' ? result.errors : {});
    req.log.info({ productId: result.productId }, 'product created');
    await recorded(req, res, 'product_change', read.form.slug, { change: 'created', productId: result.productId });
    await done(req, res, result.productId, 'admin.product.created');
  });

  router.get('/products/:id', async (req, res) => {
    await renderEditor(res, 200, await record(req.params.id));
  });

  router.post('/products/:id', async (req, res) => {
    const found = await record(req.params.id);
    const read = readProductForm(req.body);
    const result: ProductEditResult = 'errors' in read ? { kind: 'refused', errors: read.errors } : await updateProduct(db, found.product.id, read.form);
    if (result.kind === 'not_found') throw new NotFoundError(`no product ${req.params.id}`);
    if (result.kind === 'refused') return renderEditor(res, 422, found, { values: keptValues(req.body), errors: result.errors });
    req.log.info({ productId: found.product.id }, 'product saved');
    await recorded(req, res, 'product_change', found.product.slug, { change: 'saved', productId: found.product.id });
    await done(req, res, found.product.id, 'admin.product.saved');
  });

  router.post('/products/:id/photos', async (req, res) => {
    const found = await record(req.params.id);
    const refuse = (problem: EditorState['photoProblem'], status = 422) => renderEditor(res, status, found, { photoProblem: problem });
    const refusal: UploadRefusal | undefined = res.locals.uploadRefusal;
    if (refusal) return refuse({ key: `admin.photo.error.${refusal}` }, refusal === 'too_big' ? 413 : 422);
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    if (files.length === 0) return refuse({ key: 'admin.photo.error.none' });
    // Every file is read before any is stored: one refused leaves the product as it was.
    const prepared: PreparedPhoto[] = [];
    for (const file of files) {
      try {
        prepared.push(await preparePhoto(file.buffer));
      } catch (error) {
        if (!(error instanceof PhotoRefused)) throw error;
        req.log.warn({ productId: found.product.id, reason: error.reason, detail: error.message }, 'photo refused');
        return refuse({ key: `admin.photo.error.${error.reason}`, name: file.originalname }, error.reason === 'unsupported_type' ? 415 : 422);
      }
    }
    if (!(await addPhotos(db, found.product.id, prepared))) throw new NotFoundError(`no product ${req.params.id}`);
    req.log.info({ productId: found.product.id, photos: prepared.length }, 'photos added');
    await recorded(req, res, 'product_change', found.product.slug, { change: 'photos_added', productId: found.product.id, count: prepared.length });
    await done(req, res, found.product.id, 'admin.photo.added', { count: prepared.length });
  });

  router.post('/products/:id/photos/:photoId/move', async (req, res) => {
    const found = await record(req.params.id);
    const { move } = readInput(photoMoveSchema, req.body);
    const photoId = idSchema.safeParse(req.params.photoId);
    if (!photoId.success || !(await movePhoto(db, found.product.id, photoId.data, move))) throw new NotFoundError(`no photo ${req.params.photoId}`);
    await recorded(req, res, 'product_change', found.product.slug, { change: 'photo_moved', productId: found.product.id, photoId: photoId.data, move });
    await done(req, res, found.product.id, 'admin.photo.moved');
  });

  router.post('/products/:id/photos/:photoId/delete', async (req, res) => {
    const found = await record(req.params.id);
    const photoId = idSchema.safeParse(req.params.photoId);
    if (!photoId.success || !(await removePhoto(db, found.product.id, photoId.data))) throw new NotFoundError(`no photo ${req.params.photoId}`);
    req.log.info({ productId: found.product.id, photoId: photoId.data }, 'photo removed');
    await recorded(req, res, 'product_change', found.product.slug, { change: 'photo_removed', productId: found.product.id, photoId: photoId.data });
    await done(req, res, found.product.id, 'admin.photo.removed');
  });

  router.post('/products/:id/stock', async (req, res) => {
    const found = await record(req.params.id);
    const read = readStockChangeForm(req.body);
    if ('errors' in read) return renderEditor(res, 422, found, { stockValues: req.body as FormValues, stockErrors: read.errors });
    const result = await changeStock(db, { ...read.form, productId: found.product.id, who: res.locals.admin.username });
    if (result.kind === 'not_found') throw new NotFoundError(`no product ${req.params.id}`);
    if (result.kind === 'below_zero') {
      // Shown against the stock as it is now, which a checkout may have changed since the page was loaded.
      return renderEditor(res, 422, await record(req.params.id), { stockValues: req.body as FormValues, stockErrors: { delta: 'admin.stock.error.belowZero' } });
    }
    req.log.info({ productId: found.product.id, delta: read.form.delta, reason: read.form.reason }, 'stock changed');
    await recorded(req, res, 'stock_change', found.product.slug, { productId: found.product.id, delta: read.form.delta, reason: read.form.reason, before: result.stockBefore, after: result.stockAfter });
    await done(req, res, found.product.id, 'admin.stock.changed', { before: result.stockBefore, after: result.stockAfter });
  });

  return router;
}
