// The back office's accounts: the owner, configured in the environment (ADMIN_USERNAME,
// ADMIN_PASSWORD_HASH), and the staff the owner adds from the back office, each with their own
// scrypt-hashed password, whom the owner may disable. Staff do everything in the back office except
// manage accounts; roles beyond these two are out of scope.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { isUniqueViolation } from '../db/row-locks';
import type { MerchantAccount } from '../generated/prisma/client';
import { HttpError } from '../web/errors';
import {
  adminLoginChecker,
  endAdminSession,
  hashAdminPassword,
  parseAdminPasswordHash,
  verifyAdminPassword,
  ADMIN_LOGIN_PATH,
  type AdminCredentials,
  type ScryptCost,
} from './sign-in';
import { recordMerchantAction } from './trail';

export type MerchantRole = 'owner' | 'staff';
export interface SignedInMerchant {
  username: string;
  role: MerchantRole;
}

export type CheckMerchantLogin = (username: string, password: string) => Promise<SignedInMerchant | undefined>;

/**
 * The owner first, then an enabled staff account. A name that matches nobody still costs one scrypt
 * derivation, so the answer's timing does not tell which names exist.
 */
export function merchantLoginChecker(db: Database, owner: AdminCredentials): CheckMerchantLogin {
  const checkOwner = adminLoginChecker(owner);
  const decoy = hashAdminPassword('no such account', staffPasswordCost(owner)).then(parseAdminPasswordHash);
  return async (username, password) => {
    if (await checkOwner(username, password)) return { username: owner.username, role: 'owner' };
    // The owner's name was checked in full above.
    if (username === owner.username) return undefined;
    // No account has a control character in its name, and PostgreSQL refuses a NUL in a query.
    const account = /\p{Cc}/u.test(username) ? null : await db.merchantAccount.findUnique({ where: { username: username.trim() } });
    if (!account || account.disabledAt) {
      await verifyAdminPassword(password, await decoy);
      return undefined;
    }
    return (await verifyAdminPassword(password, parseAdminPasswordHash(account.passwordHash))) ? { username: account.username, role: 'staff' } : undefined;
  };
}

/** Staff passwords are hashed at the owner's cost: the one the shop was set up with (DEFAULT_COST by `npm run admin:hash-password`). */
export function staffPasswordCost(owner: AdminCredentials): ScryptCost {
  return parseAdminPasswordHash(owner.passwordHash).cost;
}

export const staffFormSchema = z.object({
  username: z.string().trim().max(100),
  password: z.string().max(200),
});

/** What the owner has to correct in the new account's form. */
export type StaffFormProblem = 'username' | 'password' | 'taken';
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;
export const MIN_PASSWORD_LENGTH = 12;

export function staffFormProblem(form: z.output<typeof staffFormSchema>, ownerUsername: string): StaffFormProblem | undefined {
  if (!USERNAME.test(form.username)) return 'username';
  if (form.username === ownerUsername) return 'taken';
  if ([...form.password].length < MIN_PASSWORD_LENGTH) return 'password';
  return undefined;
}

export interface AccountAction {
  by: string;
  address?: string;
}

export async function addStaffAccount(
  db: Database,
  form: { username: string; password: string },
  action: AccountAction,
  cost: ScryptCost,
): Promise<MerchantAccount | 'taken'> {
  const passwordHash = await hashAdminPassword(form.password, cost);
  try {
    return await db.$transaction(async (tx) => {
      const account = await tx.merchantAccount.create({ data: { username: form.username, passwordHash, createdBy: action.by } });
      await recordMerchantAction(tx, { actor: action.by, action: 'account_added', subject: form.username, ...(action.address && { address: action.address }) });
      return account;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return 'taken';
    throw error;
  }
}

export async function disableStaffAccount(db: Database, id: string, action: AccountAction, now: Date): Promise<MerchantAccount | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  return db.$transaction(async (tx) => {
    const { count } = await tx.merchantAccount.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: now } });
    const account = await tx.merchantAccount.findUnique({ where: { id } });
    if (account && count === 1) {
      await recordMerchantAction(tx, { actor: action.by, action: 'account_disabled', subject: account.username, ...(action.address && { address: action.address }) });
    }
    return account ?? undefined;
  });
}

export function listStaffAccounts(db: Database): Promise<MerchantAccount[]> {
  return db.merchantAccount.findMany({ orderBy: { createdAt: 'asc' } });
}

/** A staff sign-in ends at the next request once the owner disables the account. */
export function requireEnabledAccount(db: Database): RequestHandler {
  return async (req, res, next) => {
    const admin = res.locals.admin as { username: string; role?: MerchantRole } | undefined;
    if (!admin || admin.role !== 'staff') return next();
    const account = await db.merchantAccount.findUnique({ where: { username: admin.username }, select: { disabledAt: true } });
    if (account && !account.disabledAt) return next();
    await endAdminSession(req.session);
    res.redirect(303, ADMIN_LOGIN_PATH);
  };
}

class OwnerOnlyError extends HttpError {
  constructor() {
    super(403, 'error.forbidden', 'only the owner manages back-office accounts');
  }
}

export const requireOwner: RequestHandler = (_req, res, next) => {
  const admin = res.locals.admin as { role?: MerchantRole } | undefined;
  // A session that names no role is the owner's: staff sessions always carry theirs.
  next((admin?.role ?? 'owner') === 'owner' ? undefined : new OwnerOnlyError());
};
