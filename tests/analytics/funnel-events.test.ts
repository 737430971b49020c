import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentStore } from '../../activities/enrollment-store';
import { parsePeriod } from '../../analytics/funnel-command';
import { funnelText } from '../../analytics/funnel-data';
import { loadFunnel } from '../../analytics/funnel-report';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';

const tag = Math.random().toString(36).slice(2, 7);

/** The journey's funnel steps (#18), recorded inside the activities that take them: once, with their attributes. */
describe('funnel steps recorded by activities', () => {
  let db: TestDatabase;
  let store: ReturnType<typeof createEnrollmentStore>;
  const slug = `funnel-acts-${tag}`;
  const code = `SAVE${tag.toUpperCase()}`;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createEnrollmentStore({ sql: db.sql });
    await insertCourse(db.sql, {
      slug,
      lessons: [{ day: 1 }],
      cohorts: { policy: 'catch-up', starts: [{ name: 'spring', startsOn: '2026-03-01' }] },
    });
  });
  afterAll(async () => db?.drop());

  async function enrolled(workflowId: string) {
    const { userId } = await insertUser(db.sql, { languageCode: 'fr' });
    const { enrollmentId } = await store.openEnrollment({ workflowId, userId, courseSlug: slug });
    return { userId, enrollmentId };
  }
  const rows = (userId: number) =>
    db.sql`select step, day, tariff, partner, promo_code, c.name as cohort, language from funnel_events f
           left join cohorts c on c.id = f.cohort_id where user_id = ${userId} order by f.id`;

  it('a retried payment, a second charge and a repeated completion each leave one row, with every attribute', async () => {
    const { userId, enrollmentId } = await enrolled(`wf-${tag}-1`);
    await db.sql`insert into referrals (partner_id, referred_user_id) values ('blogger-1', ${userId})`;
    await db.sql`update enrollments set cohort_id = (select id from cohorts where name = 'spring') where id = ${enrollmentId}`;
    const [promo] = await db.sql<{ id: number }[]>`
      insert into promo_codes (code, percent_off) values (${code}, 10) returning id`;
    await db.sql`
      insert into orders (public_id, user_id, course_id, tariff, provider, list_price_minor, amount_minor, currency,
                          promo_code_id, status)
      select ${`order-${tag}`}, ${userId}, id, 'PREMIUM', 'mock', 9900, 8910, 'USD', ${promo!.id}, 'paid'
      from courses where slug = ${slug}`;
    const paid = { ...payment('PREMIUM', { amountMinor: 8910 }), order: undefined };
    await store.recordPayment({ enrollmentId, payment: paid, status: 'accepted' });
    await store.recordPayment({ enrollmentId, payment: paid, status: 'accepted' });
    await store.recordPayment({ enrollmentId, payment: payment('PREMIUM'), status: 'accepted' });
    for (let i = 0; i < 2; i++) {
      await store.recordStage({ enrollmentId, stage: 'completed', currentDay: 1, reason: null, seq: 5 + i });
    }
    const attributes = { tariff: 'PREMIUM', partner: 'blogger-1', promoCode: code, cohort: 'spring', language: 'fr' };
    expect(await rows(userId)).toEqual([
      { step: 'paid', day: 0, ...attributes },
      { step: 'completed', day: 0, ...attributes },
    ]);

    const report = (by: 'promo' | 'cohort') =>
      loadFunnel(db.sql, { courseSlug: slug, period: parsePeriod('1d', new Date()), by });
    expect(funnelText(await report('promo'))).toContain(`[promo ${code}]\n/start: 0`);
    const byCohort = funnelText(await report('cohort')).split('\n');
    expect(byCohort).toContain('[cohort spring]');
    expect(byCohort).toContain('Completed: 1 · — of previous · — of top');
  });

  it('an underpaid payment is no "paid" step, and a refund is one', async () => {
    const { userId, enrollmentId } = await enrolled(`wf-${tag}-2`);
    const short = payment('BASIC', { amountMinor: 100 });
    await store.recordPayment({ enrollmentId, payment: short, status: 'underpaid' });
    await store.recordRefund({ enrollmentId, provider: short.provider, providerPaymentId: short.providerPaymentId });
    expect((await rows(userId)).map((r) => r.step)).toEqual(['refunded']);
  });

  it('the same step from activities running at once is one row', async () => {
    const { userId, enrollmentId } = await enrolled(`wf-${tag}-4`);
    const refund = { enrollmentId, provider: 'mock', providerPaymentId: 'none' };
    await Promise.all(Array.from({ length: 8 }, () => store.recordRefund(refund)));
    expect(await rows(userId)).toHaveLength(1);
  });

  it('a failing insert never fails the activity: the step itself is done', async () => {
    const { enrollmentId } = await enrolled(`wf-${tag}-3`);
    await db.sql`alter table funnel_events rename to funnel_events_away`;
    try {
      await store.recordStage({ enrollmentId, stage: 'completed', currentDay: 1, reason: null, seq: 9 });
    } finally {
      await db.sql`alter table funnel_events_away rename to funnel_events`;
    }
    const [row] = await db.sql`select stage from enrollments where id = ${enrollmentId}`;
    expect(row?.stage).toBe('completed');
  });
});
