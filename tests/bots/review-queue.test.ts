import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tariff } from '../../domain/tariffs';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const MINUTE = 60_000;

/** /queue in the review chat: what waits for a reviewer, PREMIUM first, then oldest first, each with its age. */
describe('the review queue', () => {
  let p: Platform;
  let bot: CourseBotDriver;
  let courseId: number;
  beforeAll(async () => {
    p = await startPlatform();
    bot = await startCourseBot(p);
    courseId = await insertCourse(p.db.sql, { slug: p.slug('queue'), lessons: [{ day: 1 }, { day: 2 }, { day: 3 }] });
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });

  /** An assignment handed in `ageMs` ago by a new student of `tariff` (the rows a journey writes). */
  async function waiting(name: string, tariff: Tariff, day: number, ageMs: number, status = 'awaiting-review') {
    const { userId } = await insertUser(p.db.sql, { firstName: name });
    const [enrollment] = await p.db.sql<{ id: number }[]>`
      insert into enrollments (user_id, course_id, workflow_id, tariff, stage, access_granted_at)
      values (${userId}, ${courseId}, ${`queue-test-${userId}`}, ${tariff}, 'awaiting-feedback', now())
      returning id`;
    const [row] = await p.db.sql<{ id: number }[]>`
      insert into assignments (enrollment_id, day, submission_key, parts, status, submitted_at)
      values (${enrollment!.id}, ${day}, ${`k-${userId}`}, ${p.db.sql.json([{ type: 'text', text: 'hi' }])},
              ${status}, now() - ${`${ageMs} milliseconds`}::interval)
      returning id`;
    return row!.id;
  }

  it('says so when nothing waits', async () => {
    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/queue' });
    expect(bot.textsTo(ADMIN_CHAT_ID).at(-1)).toBe('No assignments are waiting. 🎉');
  });

  it('lists PREMIUM first, then the oldest, with how long each has waited', async () => {
    const feedbackOld = await waiting('Fay', 'FEEDBACK', 1, 5 * 24 * 60 * MINUTE + 10 * MINUTE);
    const premiumNew = await waiting('Pia', 'PREMIUM', 2, 30 * MINUTE + 20_000);
    const feedbackNew = await waiting('Fred', 'FEEDBACK', 3, 90 * MINUTE);
    const premiumOld = await waiting('Paul', 'PREMIUM', 1, 3 * 60 * MINUTE + MINUTE, 'submitted');
    await waiting('Bea', 'BASIC', 1, 10 * 24 * 60 * MINUTE, 'submitted'); // never reviewed
    await waiting('Ann', 'PREMIUM', 1, 20 * 24 * 60 * MINUTE, 'answered'); // done

    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/queue' });
    expect(bot.textsTo(ADMIN_CHAT_ID).at(-1)!.split('\n')).toEqual([
      `#${premiumOld} · PREMIUM · day 1 · Paul · waiting 3 h`,
      `#${premiumNew} · PREMIUM · day 2 · Pia · waiting 30 min`,
      `#${feedbackOld} · FEEDBACK · day 1 · Fay · waiting 5 d`,
      `#${feedbackNew} · FEEDBACK · day 3 · Fred · waiting 1 h`,
    ]);
    expect(bot.log).toEqual([]);
  });
});
