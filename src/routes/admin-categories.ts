// The back office's shelves: the list, a form to add one, and each one's name, slug and position.
import { Router, type Request, type Response } from 'express';
import { setNotice } from '../admin/notices';
import { recordMerchantAction } from '../admin/trail';
import { idSchema } from '../admin/products';
import { createCategory, readCategoryForm, updateCategory, type CategoryErrors, type CategorySaveResult } from '../catalog/categories';
import type { Database } from '../db/prisma';
import { NotFoundError } from '../web/errors';
import { saveSession } from '../web/session';

interface Problem {
  /** The shelf whose row the errors are under; undefined for the new one. */
  categoryId?: number;
  values: Record<string, unknown>;
  errors: CategoryErrors;
}

export function adminCategoryRoutes(deps: { db: Database }): Router {
  const router = Router();
  const { db } = deps;

  async function render(res: Response, status: number, problem?: Problem): Promise<void> {
    const categories = await db.category.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }], include: { _count: { select: { products: true } } } });
    res.status(status).render('admin/categories.njk', { categories, problem, nextPosition: (categories.at(-1)?.position ?? -1) + 1 });
  }

  async function answer(req: Request, res: Response, result: CategorySaveResult, categoryId?: number) {
    if (result.kind === 'not_found') throw new NotFoundError(`no category ${categoryId}`);
    if (result.kind === 'refused') return render(res, 422, { categoryId, values: req.body as Record<string, unknown>, errors: result.errors });
    await recordMerchantAction(db, {
      actor: res.locals.admin.username,
      action: 'category_change',
      subject: result.slug,
      details: { change: categoryId === undefined ? 'created' : 'saved', categoryId: result.categoryId },
      ...(req.ip && { address: req.ip }),
    });
    setNotice(req.session, { tone: 'success', messageKey: 'admin.category.saved' });
    await saveSession(req);
    res.redirect(303, '/admin/categories');
  }

  router.get('/categories', async (_req, res) => {
    await render(res, 200);
  });

  router.post('/categories', async (req, res) => {
    const read = readCategoryForm(req.body);
    await answer(req, res, 'errors' in read ? { kind: 'refused', errors: read.errors } : await createCategory(db, read.form));
  });

  router.post('/categories/:id', async (req, res) => {
    const id = idSchema.safeParse(req.params.id);
    if (!id.success) throw new NotFoundError(`no category ${req.params.id}`);
    const read = readCategoryForm(req.body);
    await answer(req, res, 'errors' in read ? { kind: 'refused', errors: read.errors } : await updateCategory(db, id.data, read.form), id.data);
  });

  return router;
}
