import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser } from '../helpers/fixtures';

/** sendStudentReminder (#17): in the student's language, naming the lesson, once per reminder time, only while pending. */
describe('sendStudentReminder', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let activities: ReturnType<typeof createActivities>;
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0, rateLimits: false });
    const api = new Api('4402:student-reminders', { apiRoot: standIn.apiRoot });
    activities = createActivities({ sql: db.sql, telegram: { sales: api, course: api } });
    await insertCourse(db.sql, { slug: 'remind', lessons: [{ day: 1, title: 'Haiku <basics>' }, { day: 2 }] });
  });
  afterAll(async () => {
    await standIn?.stop();
    await db?.drop();
  });

  async function enrolled(languageCode: string) {
    const { userId, telegramId } = await insertUser(db.sql, { languageCode });
    const plan = await activities.openEnrollment({ workflowId: `remind-${userId}`, userId, courseSlug: 'remind' });
    return { enrollmentId: plan.enrollmentId, userId, telegramId };
  }
  const texts = (chatId: number) => standIn.sent(chatId).map((m) => m.text ?? '');

  it('speaks the student’s language and names the lesson, with the submit button', async () => {
    const ru = await enrolled('ru');
    await activities.sendStudentReminder({ enrollmentId: ru.enrollmentId, day: 1, at: 1_000 });
    expect(texts(ru.telegramId)).toEqual([expect.stringContaining('Задание дня 1 («Haiku <basics>») всё ещё ждёт')]);
    expect(JSON.stringify(standIn.sent(ru.telegramId)[0]!.replyMarkup)).toContain('"sub:remind:1"');
    const en = await enrolled('en');
    await activities.sendStudentReminder({ enrollmentId: en.enrollmentId, day: 1, at: 1_000 });
    expect(texts(en.telegramId)).toEqual([expect.stringContaining('day 1 assignment (“Haiku <basics>”) is still')]);
  });

  it('sends once per reminder time, and none once the day is handed in, the course ended or an admin blocked', async () => {
    const s = await enrolled('en');
    const remind = (at: number, day = 1) => activities.sendStudentReminder({ enrollmentId: s.enrollmentId, day, at });
    expect(await remind(1_000)).toEqual({ sent: true });
    expect(await remind(1_000)).toEqual({ sent: true }); // a retry: the send-once key holds it
    expect(texts(s.telegramId)).toHaveLength(1);
    await db.sql`insert into submissions (enrollment_id, day, submission_key, parts)
                 values (${s.enrollmentId}, 1, 'k1', ${db.sql.json([])})`;
    expect(await remind(2_000)).toEqual({ sent: false });
    await db.sql`update users set blocked_at = now() where id = ${s.userId}`;
    expect(await remind(3_000, 2)).toEqual({ sent: false });
    await db.sql`update users set blocked_at = null where id = ${s.userId}`;
    await db.sql`update enrollments set stage = 'completed' where id = ${s.enrollmentId}`;
    expect(await remind(4_000, 2)).toEqual({ sent: false });
    expect(texts(s.telegramId)).toHaveLength(1);
  });
});
