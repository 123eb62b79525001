// The number shoppers read and quote: FS, the Taipei date, and 8 random characters without the
// look-alikes 0/O and 1/I. 32^8 per day makes a clash on the unique column practically impossible.
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function taipeiDate(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts.replaceAll('-', '');
}

export function newOrderNumber(now: Date): string {
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `FS${taipeiDate(now)}${suffix}`;
}
