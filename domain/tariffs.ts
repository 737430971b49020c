/** The tariffs a course sells, in ascending order: each one has everything of the tariffs before it. */
export const TARIFFS = ['BASIC', 'FEEDBACK', 'PREMIUM'] as const;
export type Tariff = (typeof TARIFFS)[number];
