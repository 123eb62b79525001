// Does a username and password open the back office. There is one merchant account, configured in
// the environment; the answer takes as long for a wrong username as for a wrong password, so
// timing does not tell which one was wrong.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseAdminPasswordHash, verifyAdminPassword } from './password-hash';

export interface AdminCredentials {
  username: string;
  /** scrypt hash from `npm run admin:hash-password`. */
  passwordHash: string;
}

export type CheckAdminLogin = (username: string, password: string) => Promise<boolean>;

const digest = (text: string) => createHash('sha256').update(text.normalize('NFKC')).digest();

export function adminLoginChecker(credentials: AdminCredentials): CheckAdminLogin {
  const hash = parseAdminPasswordHash(credentials.passwordHash);
  const expectedUser = digest(credentials.username);
  return async (username, password) => {
    // Both checks always run: equal-length digests make the username comparison constant-time too.
    const userMatches = timingSafeEqual(digest(username), expectedUser);
    const passwordMatches = await verifyAdminPassword(password, hash);
    return userMatches && passwordMatches;
  };
}
