// The shop's shelves as the merchant keeps them: created, renamed and put in order (the navbar and
// the product form list them by position). A shelf's slug is its address, /categories/:slug.
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { isUniqueViolation } from '../db/row-locks';
import { hasNoControlCharacters } from '../web/plain-text';
import { slugField, slugFromName } from './product-form';

const line = (message: string, max: number) =>
  z.string(message).refine(hasNoControlCharacters, message).transform((value) => value.normalize('NFC').trim()).pipe(z.string().min(1, message).max(max, message));

const categorySchema = z.object({
  nameZh: line('admin.category.error.nameZh', 60),
  nameEn: line('admin.category.error.nameEn', 60),
  slug: slugField,
  position: z
    .string('admin.category.error.position')
    .transform((value) => value.normalize('NFKC').trim())
    .pipe(z.string().regex(/^\d{1,4}$/, 'admin.category.error.position'))
    .transform(Number),
});

export type CategoryForm = z.output<typeof categorySchema>;
export type CategoryField = keyof CategoryForm;
export type CategoryErrors = Partial<Record<CategoryField, string>>;

export function readCategoryForm(body: unknown): { form: CategoryForm } | { errors: CategoryErrors } {
  const parsed = categorySchema.safeParse(body ?? {});
  if (!parsed.success) {
    const errors: CategoryErrors = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as CategoryField] ??= issue.message;
    return { errors };
  }
  const form = parsed.data;
  form.slug ||= slugFromName(form.nameEn);
  return form.slug ? { form } : { errors: { slug: 'admin.product.error.slugNeeded' } };
}

export type CategorySaveResult = { kind: 'saved'; categoryId: number; slug: string } | { kind: 'refused'; errors: CategoryErrors } | { kind: 'not_found' };

async function saving(work: () => Promise<CategorySaveResult>): Promise<CategorySaveResult> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) return { kind: 'refused', errors: { slug: 'admin.category.error.slugTaken' } };
    throw error;
  }
}

export function createCategory(db: Database, form: CategoryForm): Promise<CategorySaveResult> {
  return saving(async () => {
    const { id } = await db.category.create({ data: form, select: { id: true } });
    return { kind: 'saved', categoryId: id, slug: form.slug };
  });
}

export function updateCategory(db: Database, categoryId: number, form: CategoryForm): Promise<CategorySaveResult> {
  return saving(async () => {
    const { count } = await db.category.updateMany({ where: { id: categoryId }, data: form });
    return count === 1 ? { kind: 'saved', categoryId, slug: form.slug } : { kind: 'not_found' };
  });
}
