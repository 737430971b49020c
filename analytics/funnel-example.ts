import type { FunnelReport } from './funnel-data';

/** A fixed funnel, by tariff, for docs/funnel-example.png (scripts/funnel-example.ts) and its test. */
export const EXAMPLE_FUNNEL: FunnelReport = {
  course: { slug: 'python-basics', title: 'Python basics in 5 days' },
  period: '2026-11-01..2026-11-30',
  by: 'tariff',
  groups: ['BASIC', 'PREMIUM', '(none)'],
  rows: [
    { step: 'start', day: 0, counts: [220, 140, 380] },
    { step: 'course-card', day: 0, counts: [220, 140, 372] },
    { step: 'tariff', day: 0, counts: [220, 140, 0] },
    { step: 'consent', day: 0, counts: [196, 131, 0] },
    { step: 'checkout', day: 0, counts: [172, 118, 0] },
    { step: 'paid', day: 0, counts: [121, 97, 0] },
    { step: 'access', day: 0, counts: [121, 97, 0] },
    { step: 'first-lesson', day: 0, counts: [119, 97, 0] },
    { step: 'lesson', day: 1, counts: [119, 97, 0] },
    { step: 'lesson', day: 2, counts: [104, 92, 0] },
    { step: 'lesson', day: 3, counts: [88, 85, 0] },
    { step: 'assignment', day: 0, counts: [78, 84, 0] },
    { step: 'completed', day: 0, counts: [70, 81, 0] },
    { step: 'refunded', day: 0, counts: [6, 2, 0] },
  ],
};
