// The back office's product form: names and descriptions in both languages, the slug, the price,
// the state, the shelves and (for a new product) the stock. Messages are translation keys; a form
// that does not parse comes back with the values as typed and an error under each field at fault.
import slugify from '@sindresorhus/slugify';
import { z } from 'zod';
import { ProductStatus } from '../generated/prisma/enums';
import { hasNoControlCharacters, MAX_SERIAL_ID } from '../web/plain-text';

/** What the storefront's /products/:slug accepts: lower-case words joined by single hyphens. */
const PRODUCT_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG_LENGTH = 100;
const MAX_PRICE_TWD = 10_000_000;
export const MAX_STOCK = 1_000_000;

// Line breaks and tabs belong in a description; no other control character belongs anywhere.
const hasOnlyTextBreaks = (text: string) => hasNoControlCharacters(text.replace(/[\r\n\t]/g, ' '));

const line = (message: string, max: number) =>
  z.string(message).refine(hasNoControlCharacters, message).transform((value) => value.normalize('NFC').trim()).pipe(z.string().min(1, message).max(max, message));
const paragraphs = (message: string) =>
  z.string(message).refine(hasOnlyTextBreaks, message).transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n').trim()).pipe(z.string().max(4000, message));
/** A whole number as people type it: full-width digits and thousands separators allowed. */
const wholeNumber = (message: string, min: number, max: number) =>
  z
    .string(message)
    .transform((value) => value.normalize('NFKC').replace(/[\s,]/g, '').replace(/^NT\$/i, ''))
    .pipe(z.string().regex(/^\d{1,9}$/, message))
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
const idList = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.coerce.number().int().min(1).max(MAX_SERIAL_ID)).max(200),
);

/** Empty means "make it from the English name" (readProductForm). */
export const slugField = z
  .string('admin.product.error.slug')
  .transform((value) => value.normalize('NFKC').trim().toLowerCase())
  .refine((slug) => slug === '' || (slug.length <= MAX_SLUG_LENGTH && PRODUCT_SLUG.test(slug)), 'admin.product.error.slug');

const productFields = {
  nameZh: line('admin.product.error.nameZh', 120),
  nameEn: line('admin.product.error.nameEn', 120),
  descriptionZh: paragraphs('admin.product.error.description'),
  descriptionEn: paragraphs('admin.product.error.description'),
  slug: slugField,
  priceTwd: wholeNumber('admin.product.error.price', 1, MAX_PRICE_TWD),
  status: z.enum(ProductStatus, 'admin.product.error.status'),
  categoryIds: idList,
};
const editSchema = z.object(productFields);
const createSchema = z.object({ ...productFields, stock: wholeNumber('admin.product.error.stock', 0, MAX_STOCK) });

/** In the order the form shows them, which is the order the error summary lists them in. */
export const PRODUCT_FIELDS = ['nameZh', 'nameEn', 'slug', 'descriptionZh', 'descriptionEn', 'priceTwd', 'stock', 'status', 'categoryIds'] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];
export type ProductErrors = Partial<Record<ProductField, string>>;

export interface ProductDetails {
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  slug: string;
  priceTwd: number;
  status: ProductStatus;
  categoryIds: number[];
}

export interface NewProduct extends ProductDetails {
  stock: number;
}

/** The slug a product gets when the merchant leaves it empty: from its English name. */
export function slugFromName(nameEn: string): string {
  return slugify(nameEn).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
}

type Read<T> = { form: T } | { errors: ProductErrors };

function read<T extends ProductDetails>(schema: z.ZodType<T>, body: unknown): Read<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const errors: ProductErrors = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as ProductField] ??= issue.message;
    return { errors };
  }
  const form = parsed.data;
  form.slug ||= slugFromName(form.nameEn);
  return form.slug ? { form } : { errors: { slug: 'admin.product.error.slugNeeded' } };
}

export function readNewProductForm(body: unknown): Read<NewProduct> {
  return read(createSchema, body);
}

export function readProductForm(body: unknown): Read<ProductDetails> {
  return read(editSchema, body);
}
