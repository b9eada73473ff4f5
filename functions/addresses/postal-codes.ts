/**
 * Postal code formats of the countries where one is known. A code is first tidied (trimmed,
 * upper case, single spaces), checked, and stored in its usual written form ("1234 AB").
 */
interface PostalFormat {
  pattern: RegExp;
  example: string;
  /** The usual written form of a code that matched. */
  written?(code: string): string;
}

const digits = (count: number, example: string): PostalFormat => ({ pattern: new RegExp(`^\\d{${count}}$`), example });
/** Codes written with a space before their last `tail` characters, which clients often leave out. */
const spaced = (pattern: RegExp, example: string, tail: number): PostalFormat => ({
  pattern, example, written: (code) => `${code.replace(/ /g, '').slice(0, -tail)} ${code.replace(/ /g, '').slice(-tail)}`,
});

const FIVE = digits(5, '75001');
const FOUR = digits(4, '1000');
const THREE_TWO = spaced(/^\d{3} ?\d{2}$/, '114 55', 2);

const FORMATS: Record<string, PostalFormat> = {
  FR: FIVE, DE: digits(5, '10115'), IT: digits(5, '00184'), FI: digits(5, '00100'), EE: digits(5, '10111'), HR: digits(5, '10000'),
  ES: { pattern: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, example: '28013' },
  MC: { pattern: /^980\d{2}$/, example: '98000' },
  BE: FOUR, LU: digits(4, '1111'), AT: digits(4, '1010'), DK: digits(4, '1050'), CH: digits(4, '1201'), HU: digits(4, '1051'),
  SI: digits(4, '1000'), BG: digits(4, '1000'), CY: digits(4, '1010'), NO: digits(4, '0150'), LI: { pattern: /^94\d{2}$/, example: '9490' },
  AU: digits(4, '2000'), NZ: digits(4, '6011'), ZA: digits(4, '8001'), TN: digits(4, '1000'), IS: digits(3, '101'),
  RO: digits(6, '010011'), IN: digits(6, '110001'), CN: digits(6, '100000'), RS: digits(5, '11000'), MA: digits(5, '20000'), DZ: digits(5, '16000'),
  SE: THREE_TWO, CZ: THREE_TWO, SK: THREE_TWO, GR: THREE_TWO,
  NL: spaced(/^[1-9]\d{3} ?[A-Z]{2}$/, '1012 AB', 2),
  GB: spaced(/^([A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}$/, 'SW1A 1AA', 3),
  CA: spaced(/^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/, 'H2X 1Y4', 3),
  MT: spaced(/^[A-Z]{3} ?\d{4}$/, 'VLT 1117', 4),
  PT: { pattern: /^\d{4}-\d{3}$/, example: '1100-148' },
  PL: { pattern: /^\d{2}-\d{3}$/, example: '00-950' },
  JP: { pattern: /^\d{3}-\d{4}$/, example: '100-0001' },
  BR: { pattern: /^\d{5}-\d{3}$/, example: '01310-100' },
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '10001' },
  LT: { pattern: /^(LT-)?\d{5}$/, example: 'LT-01100' },
  LV: { pattern: /^(LV-)?\d{4}$/, example: 'LV-1050' },
};

export type PostalCheck = { ok: true; code: string } | { ok: false; example: string };

/** Checks a postal code for a country (ISO-2); a country without a known format takes any code. */
export function checkPostalCode(countryCode: string, input: string): PostalCheck {
  const code = input.trim().toUpperCase().replace(/\s+/g, ' ');
  const format = FORMATS[countryCode.toUpperCase()];
  if (!format) return { ok: true, code };
  if (!format.pattern.test(code)) return { ok: false, example: format.example };
  return { ok: true, code: format.written ? format.written(code) : code };
}
