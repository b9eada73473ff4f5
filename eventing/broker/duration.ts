/**
 * ISO-8601 durations as Knative's delivery spec writes them (`PT0.5S`, `PT2S`, `PT1M`, `P1D`).
 * Years and months have no fixed length, so they are refused rather than guessed.
 */
const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];

/** Milliseconds in an ISO-8601 duration; throws on anything it cannot read exactly. */
export function parseDuration(text: string): number {
  const match = ISO_DURATION.exec(text.trim().toUpperCase());
  if (!match || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) {
    throw new Error(`"${text}" is not an ISO-8601 duration such as PT0.5S, PT2S, PT1M or P1D (years and months are not accepted)`);
  }
  let ms = 0;
  match.slice(1).forEach((value, index) => {
    if (value !== undefined) ms += Number(value.replace(',', '.')) * UNIT_MS[index];
  });
  return Math.round(ms);
}
