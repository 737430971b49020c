import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { currentLane } from '../../activities/lanes';
import type { Lane } from '../../activities/lanes';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser } from '../helpers/fixtures';

/** Each worker activity sends in its lane: the welcome after a payment answers the student, a lesson is scheduled. */
describe('the lane of a worker activity', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0 });
  });
  afterAll(async () => {
    await standIn?.stop();
    await db?.drop();
  });

  it('sends the welcome (grantAccess) as interactive and a lesson (deliverLesson) as scheduled', async () => {
    const sent: { method: string; lane: Lane }[] = [];
    const api = new Api('4401:activity-lanes', { apiRoot: standIn.apiRoot });
    // Where the pacer reads the lane: in the Bot API call, inside the activity's async context.
    api.config.use((prev, method, payload, signal) => {
      sent.push({ method, lane: currentLane() });
      return prev(method, payload, signal);
    });
    const activities = createActivities({ sql: db.sql, telegram: { sales: api, course: api } });
    await insertCourse(db.sql, { slug: 'lanes', lessons: [{ day: 1 }, { day: 2 }] });
    const { userId } = await insertUser(db.sql);
    const { enrollmentId } = await activities.openEnrollment({ workflowId: 'lanes-1', userId, courseSlug: 'lanes' });

    await activities.grantAccess({ enrollmentId, tariff: 'BASIC' });
    const welcome = sent.splice(0);
    await activities.deliverLesson({ enrollmentId, day: 1, tariff: 'BASIC' });
    const lesson = sent.splice(0);

    expect(welcome.length).toBeGreaterThan(0);
    expect(lesson.length).toBeGreaterThan(0);
    expect(welcome.map((s) => s.lane)).toEqual(welcome.map(() => 'interactive'));
    expect(lesson.map((s) => s.lane)).toEqual(lesson.map(() => 'scheduled'));
  });

  it('sends a broadcast batch (sendBroadcastBatch, #18) as bulk', async () => {
    const sent: Lane[] = [];
    const api = new Api('4402:activity-lanes', { apiRoot: standIn.apiRoot });
    api.config.use((prev, method, payload, signal) => {
      if (method === 'copyMessage') sent.push(currentLane());
      return prev(method, payload, signal);
    });
    const activities = createActivities({ sql: db.sql, telegram: { sales: api, course: api } });
    const courseId = await insertCourse(db.sql, { slug: 'lanes-bulk', lessons: [{ day: 1 }] });
    for (let i = 0; i < 3; i++) {
      const { userId } = await insertUser(db.sql);
      await db.sql`insert into enrollments (user_id, course_id, workflow_id) values (${userId}, ${courseId}, ${`bulk-${userId}`})`;
    }
    const source = standIn.sendUserMessage({
      botToken: '4402:activity-lanes',
      from: { id: 5, first_name: 'R' },
      chatId: -100_5,
      text: 'News',
    });
    const [row] = await db.sql<{ id: number }[]>`
      insert into broadcasts (created_by, source_chat_id, source_message_ids, course_id, status)
      values (5, -1005, ${[source.message_id]}, ${courseId}, 'confirmed') returning id`;
    await activities.sendBroadcastBatch({ broadcastId: row!.id, afterUserId: 0, size: 10, maxMs: 5_000 });
    expect(sent).toEqual(['bulk', 'bulk', 'bulk']);
  });
});
