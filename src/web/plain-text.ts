// Free text a visitor types into a one-line field. Control characters (NUL, escape, line breaks)
// belong in none of them, and PostgreSQL's text cannot hold NUL at all: a NUL that reached a query
// failed it with a 500. Every free-text schema refuses them with this check.
const CONTROL_CHARACTER = /\p{Cc}/u;

export function hasNoControlCharacters(text: string): boolean {
  return !CONTROL_CHARACTER.test(text);
}

/** PostgreSQL's largest integer (int4), the type of every serial id: a larger one names nothing. */
export const MAX_SERIAL_ID = 2_147_483_647;
