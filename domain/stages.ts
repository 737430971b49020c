/** Where an enrollment's journey is: the workflow sets it, Postgres and the Temporal UI (EnrollmentStage) show it. */
export const STAGES = [
  'awaiting-payment',
  'active',
  'awaiting-feedback',
  'completed',
  'blocked',
  'expired',
  'refunded',
  'paused',
] as const;
export type EnrollmentStage = (typeof STAGES)[number];
