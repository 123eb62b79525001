// Whether an error means "the database cannot be reached just now" (restarting, down, connections
// cut) rather than a fault of the request or of the code. Those become a 503, and the bank's
// notification a {"Status":"F"}, so that browsers and the bank try again once it is back; pg's
// pools drop the broken connections and open new ones on the next query by themselves.

// PostgreSQL's admin-shutdown, crash-shutdown, cannot-connect-now and connection-exception codes,
// the socket errors of a refused or cut connection, Prisma's "can't reach", "closed" and pool timeout
// codes, and the driver adapter's names for the same.
const UNAVAILABLE_CODES = new Set([
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND',
  'P1001', 'P1002', 'P1017', 'P2024',
  'DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|connect ECONNREFUSED|Can't reach database server|Server has closed the connection|Client has encountered a connection error|Timed out fetching a new connection|Connection closed|Client was closed/i;

/** Prisma wraps the driver's error in `meta.driverAdapterError`, pg in `cause`; each may carry the code. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const fields = error as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: unknown; errors?: unknown };
  for (const code of [fields.code, fields.kind, fields.originalCode]) {
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  }
  if (typeof fields.message === 'string' && UNAVAILABLE_MESSAGE.test(fields.message)) return true;
  const meta = fields.meta as { driverAdapterError?: unknown } | undefined;
  const nested = [fields.cause, meta?.driverAdapterError, ...(Array.isArray(fields.errors) ? fields.errors : [])];
  return nested.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
