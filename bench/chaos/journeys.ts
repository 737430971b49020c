import type { Sql } from '../../db';
import { createMockProvider } from '../../payments/mock';
import { createOrderStore } from '../../payments/orders';
import { insertStudents } from '../fixtures';
import { MOCK_SECRET } from '../stack';
import { inParallel, sleep } from '../stats';
import { CHAOS_COURSE } from './cluster';
import type { ChaosSettings } from './settings';

export interface Journey {
  userId: number;
  telegramId: number;
  /** When the payment provider first sent the webhook, and how many tries it took to get a 2xx. */
  paidAt?: number;
  webhookTries: number;
  webhookStatus?: number;
  role: 'regular' | 'blocker' | 'returner';
  blockedAt?: number;
  returnedAt?: number;
  /** The journey's stage in Postgres when the student came back: the bots act on a return only if it is 'blocked'. */
  stageAtReturn?: string;
}

/** The chaos course: `lessons` one-message lessons, `intervalMs` apart, no homework; sold as BASIC. */
export async function insertChaosCourse(sql: Sql, settings: ChaosSettings): Promise<void> {
  const [row] = await sql<{ id: number }[]>`
    insert into courses (slug, title, description, lesson_interval_ms, unpaid_expiry_ms, feedback_wait_ms, content_hash)
    values (${CHAOS_COURSE}, 'Chaos', 'A course for the chaos run.', ${settings.intervalMs}, ${3_600_000},
            ${3_600_000}, 'chaos')
    returning id`;
  await sql`insert into course_tariffs (course_id, tariff, title, price_minor, currency)
            values (${row!.id}, 'BASIC', 'Basic', 1900, 'USD')`;
  for (let day = 1; day <= settings.lessons; day++) {
    await sql`insert into lessons (course_id, day, title, parts, tasks, silent)
              values (${row!.id}, ${day}, ${`Lesson ${day}`}, ${sql.json([{ type: 'text', text: `Chaos lesson ${day}` }])},
                      ${sql.json({})}, false)`;
  }
}

/**
 * The students and their orders, made before any fault; blockers and returners are spread over the run. Returns
 * each journey with its signed payment webhook.
 */
export async function prepareJourneys(sql: Sql, settings: ChaosSettings, httpUrl: string) {
  const students = await insertStudents(sql, 860_000_000, settings.journeys);
  const orders = createOrderStore(sql);
  const mock = createMockProvider({ secret: MOCK_SECRET, publicUrl: httpUrl });
  const step = settings.blockers > 0 ? Math.floor(settings.journeys / settings.blockers) : 0;
  const journeys: (Journey & { webhook: { body: string; headers: Record<string, string> } })[] = [];
  await inParallel(students, 8, async ({ userId, telegramId }, i) => {
    const quote = await orders.quote({ userId, courseSlug: CHAOS_COURSE, tariff: 'BASIC' });
    const order = await orders.create({ userId, courseSlug: CHAOS_COURSE, quote, provider: 'mock' });
    const nth = step > 0 && i % step === step >> 1 ? Math.floor(i / step) : -1;
    const role = nth >= 0 && nth < settings.blockers ? (nth < settings.returners ? 'returner' : 'blocker') : 'regular';
    journeys[i] = { userId, telegramId, webhookTries: 0, role, webhook: mock.webhookFor(order) };
  });
  return journeys;
}

/**
 * Pays every journey, evenly over `arrivalSeconds`, as a provider does: the webhook is sent again (1 s, 2 s, ... up
 * to 10 s apart) until it gets a 2xx, for up to five minutes.
 */
export async function payAll(journeys: Awaited<ReturnType<typeof prepareJourneys>>, httpUrl: string, seconds: number) {
  const t0 = Date.now();
  const deliveries: Promise<void>[] = [];
  for (const [i, journey] of journeys.entries()) {
    const due = t0 + (i * seconds * 1000) / journeys.length;
    if (due > Date.now()) await sleep(due - Date.now());
    journey.paidAt = Date.now();
    deliveries.push(deliverWebhook(journey, httpUrl));
  }
  await Promise.all(deliveries);
}

async function deliverWebhook(journey: Awaited<ReturnType<typeof prepareJourneys>>[number], httpUrl: string) {
  const giveUpAt = Date.now() + 300_000;
  for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
    journey.webhookTries++;
    try {
      const res = await fetch(`${httpUrl}/webhooks/mock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...journey.webhook.headers },
        body: journey.webhook.body,
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      journey.webhookStatus = res.status;
      if (res.ok) return;
    } catch {
      journey.webhookStatus = 0; // no answer: the sales process is down or restarting
    }
    await sleep(Math.min(1_000 * 2 ** attempt, 10_000));
  }
}
