// The number shoppers read and quote: FS, the Taipei date, and 8 random characters without the
// look-alikes 0/O and 1/I. 32^8 per day makes a clash on the unique column practically impossible.
import { randomInt } from 'node:crypto';
import { taipeiDate } from '../time/taipei';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newOrderNumber(now: Date): string {
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `FS${taipeiDate(now).replaceAll('-', '')}${suffix}`;
}
