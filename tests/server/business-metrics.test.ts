import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrometheusText } from '../../lib/prometheus-text';
import { freePort } from '../../lib/ports';
import { createHttpApp, serve } from '../../server/app';
import { dashboardMetrics, declaredMetrics } from '../helpers/dashboard';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser } from '../helpers/fixtures';

const TOKEN = 'metrics-token-0123456789-0123456789-abcdef';

/** Every sample of a /metrics answer, keyed `name{labels}` as Prometheus prints them. */
export function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The business figures for Prometheus (#18): what /metrics says equals the rows behind it. */
describe('GET /metrics, the business figures', () => {
  let db: TestDatabase;
  let server: { close(): Promise<void> };
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const { sql } = db;
    const yoga = await insertCourse(sql, { slug: 'yoga', lessons: [{ day: 1 }, { day: 2 }] });
    const chess = await insertCourse(sql, { slug: 'chess', lessons: [{ day: 1 }] });
    const enroll = async (courseId: number, stage: string, granted: boolean) => {
      const { userId } = await insertUser(sql);
      const [row] = await sql<{ id: number }[]>`
        insert into enrollments (user_id, course_id, workflow_id, tariff, stage, access_granted_at)
        values (${userId}, ${courseId}, ${`wf-${userId}`}, 'BASIC', ${stage}, ${granted ? new Date() : null})
        returning id`;
      return row!.id;
    };
    const pay = (enrollmentId: number, provider: string, amountMinor: number, currency: string, status: string) =>
      sql`insert into payments (enrollment_id, provider, provider_payment_id, amount_minor, currency, tariff, status)
          values (${enrollmentId}, ${provider}, ${`p-${Math.random()}`}, ${amountMinor}, ${currency}, 'BASIC', ${status})`;

    const ana = await enroll(yoga, 'active', true);
    const ben = await enroll(yoga, 'refunded', true);
    const cid = await enroll(yoga, 'awaiting-payment', false);
    const dan = await enroll(chess, 'completed', true);
    await pay(ana, 'stripe', 1900, 'USD', 'accepted');
    await pay(ana, 'stripe', 3000, 'USD', 'accepted'); // an upgrade
    await pay(ben, 'stripe', 1900, 'USD', 'refunded');
    await pay(cid, 'yookassa', 50000, 'RUB', 'underpaid');
    await pay(dan, 'stars', 250, 'XTR', 'accepted');
    await pay(dan, 'mock', 1500, 'JPY', 'accepted');
    for (const day of [1, 2]) await sql`insert into lesson_deliveries (enrollment_id, day) values (${ana}, ${day})`;
    await sql`insert into lesson_deliveries (enrollment_id, day) values (${dan}, 1)`;
    const submit = (enrollmentId: number, day: number, status: string, minutesAgo: number) =>
      sql`insert into assignments (enrollment_id, day, submission_key, parts, status, submitted_at)
          values (${enrollmentId}, ${day}, ${`k-${day}-${status}`}, ${sql.json([])}, ${status},
                  now() - ${`${minutesAgo} minutes`}::interval)`;
    await submit(ana, 1, 'awaiting-review', 90);
    await submit(ana, 2, 'awaiting-review', 5);
    await submit(dan, 1, 'answered', 600);

    port = await freePort();
    server = await serve(createHttpApp({ businessMetrics: { sql, token: TOKEN } }), port);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(`http://127.0.0.1:${port}/metrics`, { headers });

  it('answers 401 without the token or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const res = await scrape(headers);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('course_');
    }
  });

  it('reports payments, revenue net of refunds, access, lessons and the review queue per course', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = parseSamples(await res.text());
    expect(s.get('course_payments{course="yoga",provider="stripe",status="accepted",currency="USD"}')).toBe(2);
    expect(s.get('course_payments{course="yoga",provider="stripe",status="refunded",currency="USD"}')).toBe(1);
    expect(s.get('course_payments{course="yoga",provider="yookassa",status="underpaid",currency="RUB"}')).toBe(1);
    // Major units by each currency's own exponent; an underpayment is not revenue, a refund is not either.
    expect(s.get('course_revenue{course="yoga",currency="USD"}')).toBe(49);
    expect(s.get('course_revenue{course="yoga",currency="RUB"}')).toBe(0);
    expect(s.get('course_revenue{course="chess",currency="XTR"}')).toBe(250);
    expect(s.get('course_revenue{course="chess",currency="JPY"}')).toBe(1500);
    expect(s.get('course_refunded{course="yoga",currency="USD"}')).toBe(19);
    expect(s.get('course_refunds{course="yoga",provider="stripe",currency="USD"}')).toBe(1);
    expect(s.get('course_access_granted{course="yoga"}')).toBe(2);
    expect(s.get('course_access_granted{course="chess"}')).toBe(1);
    expect(s.get('course_enrollments{course="yoga",stage="awaiting-payment"}')).toBe(1);
    expect(s.get('course_lessons_delivered{course="yoga"}')).toBe(2);
    expect(s.get('course_lessons_delivered{course="chess"}')).toBe(1);
    expect(s.get('course_reviews_waiting{course="yoga"}')).toBe(2);
    expect(s.get('course_reviews_waiting{course="chess"}')).toBe(0);
    const oldest = s.get('course_review_oldest_wait_seconds{course="yoga"}')!;
    expect(oldest).toBeGreaterThanOrEqual(90 * 60);
    expect(oldest).toBeLessThan(95 * 60);
    expect(s.get('course_review_oldest_wait_seconds{course="chess"}')).toBe(0);
  });

  it('declares every business metric the committed Grafana dashboard plots', async () => {
    const declared = declaredMetrics(await (await scrape()).text());
    const plotted = dashboardMetrics('course_');
    expect(plotted.length).toBeGreaterThanOrEqual(8);
    for (const name of plotted) expect(declared, `the dashboard plots ${name}`).toContain(name);
  });

  it('carries no student: no Telegram id, name or user id in any label', async () => {
    const text = await (await scrape()).text();
    const people = await db.sql<{ telegramId: number; firstName: string }[]>`select telegram_id, first_name from users`;
    for (const { telegramId } of people) expect(text).not.toContain(String(telegramId));
    expect(text).not.toMatch(/user|telegram|name=/i);
  });
});

describe('the Prometheus text format', () => {
  it('escapes label values and refuses bad names', () => {
    const text = formatPrometheusText([
      { name: 'x_total', help: 'a\nb', type: 'counter', samples: [{ labels: { course: 'a"b\\c\nd' }, value: 1 }] },
    ]);
    expect(text).toBe('# HELP x_total a\\nb\n# TYPE x_total counter\nx_total{course="a\\"b\\\\c\\nd"} 1\n');
    expect(() => formatPrometheusText([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow();
    expect(() =>
      formatPrometheusText([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] }]),
    ).toThrow();
  });
});
