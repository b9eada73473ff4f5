/**
 * Money as integer cents, never binary floating point: prices arrive and leave as decimal
 * strings with two decimals ("19.90"); rates are percentages with up to two decimals ("5.50").
 */
export type Cents = number;

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** "19.9" | "19.90" | 19.9 → 1990. */
export function toCents(value: string | number): Cents {
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`not an amount with at most two decimals: "${value}"`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

/** 1990 → "19.90". */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A percentage ("20", "5.5", "5.50") in hundredths of a percent (basis points): 2000, 550. */
export const toBasisPoints = (rate: string | number): number => toCents(rate);

/** `cents × rate%`, rounded half-up to the cent (all integers: exact). */
export function percentOf(cents: Cents, basisPoints: number): Cents {
  const product = cents * basisPoints; // cents × hundredths of a percent = 1/10000 of a cent
  const sign = product < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(product) + 5000) / 10000);
}

/** Splits `total` over `weights` pro rata, in whole cents that add up exactly to `total`. */
export function allocate(total: Cents, weights: Cents[]): Cents[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let rest = total - shares.reduce((a, b) => a + b, 0);
  // The largest remainders get the leftover cents.
  const order = weights.map((w, i) => ({ i, remainder: (total * w) % sum })).sort((a, b) => b.remainder - a.remainder);
  for (const { i } of order) {
    if (rest <= 0) break;
    shares[i]++;
    rest--;
  }
  return shares;
}

/** JSON Schema of a money or rate field: a number or a decimal string, at most two decimals, ≥ 0. */
export const moneySchema = (description?: string) => ({
  anyOf: [
    { type: 'string', pattern: '^\\d{1,8}(\\.\\d{1,2})?$' },
    { type: 'number', minimum: 0, maximum: 99_999_999.99, multipleOf: 0.01 },
  ],
  ...(description ? { description } : {}),
});
