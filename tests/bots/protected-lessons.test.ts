import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { COURSE_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/** A course that sets protect_content gets lessons that cannot be forwarded or saved; one that does not, plain ones. */
describe('protect_content on lessons', () => {
  let p: Platform;
  let bot: CourseBotDriver;
  beforeAll(async () => {
    p = await startPlatform();
    bot = await startCourseBot(p);
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });

  async function studentOf(protect: boolean) {
    const courseSlug = p.slug(protect ? 'protected' : 'open');
    await insertCourse(p.db.sql, {
      slug: courseSlug,
      intervalMs: 60_000,
      lessons: [
        {
          day: 1,
          parts: [
            { type: 'text', text: 'Read this' },
            { type: 'photo', source: 'https://example.com/protect-diagram.png' },
          ],
        },
        { day: 2 },
      ],
    });
    await p.db.sql`update courses set protect_content = ${protect} where slug = ${courseSlug}`;
    const { userId, telegramId } = await insertUser(p.db.sql);
    await p.temporal.enrollments.pay({ userId, courseSlug }, payment('BASIC'));
    const handle = p.temporal.enrollments.handle({ userId, courseSlug });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    const lessonMessages = () => p.telegram.sent(telegramId, { bot: COURSE_TOKEN });
    return { user: { id: telegramId, first_name: 'Ada' }, handle, lessonMessages };
  }

  for (const protect of [true, false]) {
    it(`${protect ? 'protects' : 'does not protect'} a lesson when the course says ${protect}, sent by the journey and by /lesson`, async () => {
      const { user, handle, lessonMessages } = await studentOf(protect);
      const delivered = lessonMessages();
      expect(delivered.map((m) => m.kind)).toEqual(['text', 'photo', 'text']);
      expect(delivered.map((m) => m.protectContent)).toEqual([protect, protect, protect]);

      await bot.send(user, { text: '/lesson' });
      const again = lessonMessages().slice(delivered.length);
      expect(again.map((m) => m.kind)).toEqual(['text', 'photo', 'text']);
      expect(again.map((m) => m.protectContent)).toEqual([protect, protect, protect]);
      expect(bot.log).toEqual([]);
      await handle.terminate('test done');
    });
  }
});
