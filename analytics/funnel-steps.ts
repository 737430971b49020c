/** The funnel's steps in order (#18). `lesson` is one step per lesson day; every other step has day 0. */
export const FUNNEL_STEPS = [
  'start',
  'course-card',
  'tariff',
  'consent',
  'checkout',
  'paid',
  'access',
  'first-lesson',
  'lesson',
  'assignment',
  'completed',
  'refunded',
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

/** What a chart row and a CSV line call a step. */
export const STEP_LABELS: Record<FunnelStep, string> = {
  start: '/start',
  'course-card': 'Course card',
  tariff: 'Tariff chosen',
  consent: 'Consent',
  checkout: 'Checkout opened',
  paid: 'Paid',
  access: 'Access',
  'first-lesson': 'First lesson',
  lesson: 'Lesson',
  assignment: 'Assignment submitted',
  completed: 'Completed',
  refunded: 'Refunded',
};

/** The breakdowns of `/funnel … by X` and `admin funnel --by X`, each a column of funnel_events. */
export const FUNNEL_BREAKDOWNS = ['tariff', 'partner', 'promo', 'cohort', 'language'] as const;
export type FunnelBreakdown = (typeof FUNNEL_BREAKDOWNS)[number];
