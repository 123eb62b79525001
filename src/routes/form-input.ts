import type { z } from 'zod';
import { BadRequestError } from '../web/errors';

/** Input a route cannot act on, from a form the shop did not render as sent: a plain 400. */
export function readInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new BadRequestError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return parsed.data;
}
