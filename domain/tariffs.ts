/** The tariffs a course sells, in ascending order: each one has everything of the tariffs before it. */
export const TARIFFS = ['BASIC', 'FEEDBACK', 'PREMIUM'] as const;
export type Tariff = (typeof TARIFFS)[number];

/** The tariff's place in TARIFFS, from 1: an upgrade goes to a higher rank. */
export function tariffRank(tariff: Tariff): number {
  return TARIFFS.indexOf(tariff) + 1;
}

/** Whether a curator reviews the tariff's homework; BASIC gets an automatic answer instead. */
export function isReviewed(tariff: Tariff): boolean {
  return tariff !== 'BASIC';
}
