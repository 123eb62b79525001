// The bank's OrderNo for one payment attempt. Each attempt gets a new one and none is ever reused
// (the bank refuses a duplicate, and an old number may still be live at the bank).
import { randomInt } from 'node:crypto';
import { taipeiYYMMDD } from '../time/taipei';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const RANDOM_LENGTH = 15;

function pick(chars: string): string {
  return chars[randomInt(chars.length)]!;
}

/**
 * "FSP" + Taipei yyMMdd + 15 random characters + a letter, 25 characters in all (the bank allows
 * 50). About 76 bits of randomness make numbers unguessable and collisions negligible; the unique
 * index on Payment.orderNo catches the rest.
 * It always ends in a letter: the bank's sandbox never pays ATM orders whose OrderNo ends in 9
 * (docs/sinopac-protocol.md §7), which would leave tests waiting for a payment that never comes.
 */
export function newSinopacOrderNo(now: Date): string {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += pick(ALPHABET);
  return `FSP${taipeiYYMMDD(now)}${random}${pick(LETTERS)}`;
}
