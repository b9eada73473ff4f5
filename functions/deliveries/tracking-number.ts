import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a tracking number is read aloud and typed by hand. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** `TRK-7KQ4-MX9P-2TBH`: 31^12 ≈ 8·10^17 possibilities (the column is unique all the same). */
export function newTrackingNumber(): string {
  const group = () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return ['TRK', ...Array.from({ length: GROUPS }, group)].join('-');
}

/** What a customer typed, in the stored form: any case, with or without dashes and spaces. */
export function normalizeTrackingNumber(input: string): string {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const match = /^TRK([A-Z0-9]{4})([A-Z0-9]{4})([A-Z0-9]{4})$/.exec(compact);
  return match ? ['TRK', ...match.slice(1)].join('-') : input.trim().toUpperCase();
}
