import type { Stack } from './stack';
import { inParallel, until } from './stats';

/**
 * Pays each student's journey of `courseSlug` (signal-with-start, as a provider's payment would) and waits until every
 * one has access and, with `delivered`, that day's lesson. Returns how long that took, in seconds.
 */
export async function enrollPaid(
  stack: Stack,
  courseSlug: string,
  students: { userId: number }[],
  options: { paymentPrefix: string; delivered?: number; timeoutMs?: number },
): Promise<number> {
  const t0 = Date.now();
  await inParallel(students, 32, async ({ userId }, i) => {
    await stack.enrollments.pay(
      { userId, courseSlug },
      {
        provider: 'bench',
        providerPaymentId: `${options.paymentPrefix}-${i}`,
        amountMinor: 1900,
        currency: 'USD',
        tariff: 'BASIC',
      },
    );
  });
  const day = options.delivered ?? null;
  await until(`every ${courseSlug} journey to have access`, Date.now() + (options.timeoutMs ?? 900_000), async () => {
    const [{ n }] = await stack.sql<[{ n: number }]>`
      select count(*)::int as n from enrollments e join courses c on c.id = e.course_id
      where c.slug = ${courseSlug} and e.stage = 'active'
        and (${day}::int is null or exists (
          select 1 from lesson_deliveries d where d.enrollment_id = e.id and d.day = ${day}::int))`;
    return n === students.length;
  });
  return (Date.now() - t0) / 1000;
}
