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
});
