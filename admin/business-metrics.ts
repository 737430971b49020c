import type { Sql } from '../db';
import { currencyDigits } from '../locales';
import type { MetricFamily } from '../lib/prometheus-text';

/**
 * The platform's business figures for Prometheus (#18), read from Postgres at each scrape: every process that serves
 * them reports the same numbers, so any one replica can be scraped. Labels are course slugs, providers, tariffs,
 * currencies and stages — never a student. Counts of rows that are never deleted (payments stay, pseudonymised, after
 * /forget) only grow, so `increase()` and `rate()` work on them as on counters; they are typed gauges because a
 * payment moves from accepted to refunded.
 */
export async function collectBusinessMetrics(sql: Sql): Promise<MetricFamily[]> {
  const [payments, enrollments, lessons, reviews] = await Promise.all([
    sql<{ course: string; provider: string; status: string; currency: string; count: number; amountMinor: number }[]>`
      select c.slug as course, p.provider, p.status::text as status, p.currency,
             count(*)::int as count, coalesce(sum(p.amount_minor), 0)::bigint as amount_minor
      from payments p join enrollments e on e.id = p.enrollment_id join courses c on c.id = e.course_id
      group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
    sql<{ course: string; stage: string; count: number; granted: number }[]>`
      select c.slug as course, e.stage::text as stage, count(*)::int as count,
             count(e.access_granted_at)::int as granted
      from enrollments e join courses c on c.id = e.course_id group by 1, 2 order by 1, 2`,
    sql<{ course: string; count: number }[]>`
      select c.slug as course, count(*)::int as count
      from lesson_deliveries d join enrollments e on e.id = d.enrollment_id join courses c on c.id = e.course_id
      group by 1 order by 1`,
    sql<{ course: string; count: number; oldestSeconds: number }[]>`
      select c.slug as course, count(a.id)::int as count,
             coalesce(extract(epoch from now() - min(a.submitted_at)), 0)::float8 as oldest_seconds
      from courses c left join enrollments e on e.course_id = c.id
      left join assignments a on a.enrollment_id = e.id and a.status = 'awaiting-review'
      group by 1 order by 1`,
  ]);

  const revenue = new Map<string, { course: string; currency: string; accepted: number; refunded: number }>();
  for (const p of payments) {
    const key = `${p.course}\u0000${p.currency}`;
    const row = revenue.get(key) ?? { course: p.course, currency: p.currency, accepted: 0, refunded: 0 };
    if (p.status === 'accepted') row.accepted += p.amountMinor;
    if (p.status === 'refunded') row.refunded += p.amountMinor;
    revenue.set(key, row);
  }
  const major = (minor: number, currency: string) => minor / 10 ** currencyDigits(currency);
  const accessByCourse = new Map<string, number>();
  for (const e of enrollments) accessByCourse.set(e.course, (accessByCourse.get(e.course) ?? 0) + e.granted);

  return [
    family('course_payments', 'Payments stored, by course, provider, status and currency.', payments, (p) => ({
      labels: { course: p.course, provider: p.provider, status: p.status, currency: p.currency },
      value: p.count,
    })),
    family(
      'course_revenue',
      'Money kept: accepted payments, refunds excluded, in the currency major unit (Stars as they are).',
      [...revenue.values()],
      (r) => ({ labels: { course: r.course, currency: r.currency }, value: major(r.accepted, r.currency) }),
    ),
    family('course_refunded', 'Money refunded, in the currency major unit.', [...revenue.values()], (r) => ({
      labels: { course: r.course, currency: r.currency },
      value: major(r.refunded, r.currency),
    })),
    family(
      'course_refunds',
      'Payments refunded, by course and provider.',
      payments.filter((p) => p.status === 'refunded'),
      (p) => ({ labels: { course: p.course, provider: p.provider, currency: p.currency }, value: p.count }),
    ),
    family('course_access_granted', 'Enrollments that were ever granted access.', [...accessByCourse], ([c, n]) => ({
      labels: { course: c },
      value: n,
    })),
    family('course_enrollments', 'Enrollments by their current stage.', enrollments, (e) => ({
      labels: { course: e.course, stage: e.stage },
      value: e.count,
    })),
    family('course_lessons_delivered', 'Lessons that reached a student.', lessons, (l) => ({
      labels: { course: l.course },
      value: l.count,
    })),
    family('course_reviews_waiting', 'Submissions waiting for a reviewer.', reviews, (r) => ({
      labels: { course: r.course },
      value: r.count,
    })),
    family(
      'course_review_oldest_wait_seconds',
      'How long the oldest submission waiting for a reviewer has waited (0 when none waits).',
      reviews,
      (r) => ({ labels: { course: r.course }, value: Math.round(r.oldestSeconds) }),
    ),
  ];
}

function family<T>(
  name: string,
  help: string,
  rows: readonly T[],
  sample: (row: T) => MetricFamily['samples'][number],
): MetricFamily {
  return { name, help, type: 'gauge', samples: rows.map(sample) };
}
