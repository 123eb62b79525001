// An error that stops start-up and whose message alone says what is wrong and what to do: the
// entry points (src/main.ts, src/migrate.ts) print it without a stack trace.
export class StartupError extends Error {
  override name = 'StartupError';
}
