import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import type { MessagePart } from '../../journey/definitions';
import { startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/** Homework as a video and a voice note: taken into the submission, handed to the journey, copied to reviewers. */
describe('video and voice submissions', () => {
  let p: Platform;
  let bot: CourseBotDriver;
  let slug: string;
  beforeAll(async () => {
    p = await startPlatform();
    bot = await startCourseBot(p);
    slug = p.slug('media-hw');
    await insertCourse(p.db.sql, { slug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });

  it('takes a video and a voice note as one assignment and copies both to the review chat', async () => {
    const { userId, telegramId } = await insertUser(p.db.sql);
    const user = { id: telegramId, first_name: 'Vic', language_code: 'en' };
    await p.temporal.enrollments.pay({ userId, courseSlug: slug }, payment('FEEDBACK'));
    const handle = p.temporal.enrollments.handle({ userId, courseSlug: slug });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );

    await bot.press(user, `sub:${slug}:1`);
    const video = await bot.send(user, { video: true, caption: 'My take' });
    expect(bot.textsTo(user.id).at(-1)).toMatch(/^Received/);
    const voice = await bot.send(user, { voice: true });
    expect(bot.textsTo(user.id).filter((t) => t.startsWith('Received'))).toHaveLength(2);
    await bot.press(user, 'sub-send');

    const progress = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'awaiting-review',
    );
    const assignmentId = progress.assignments[0]!.id;
    const [row] = await p.db.sql<{ parts: MessagePart[] }[]>`select parts from assignments where id = ${assignmentId}`;
    expect(row!.parts.map((part) => (part.type === 'message' ? part.kind : part.type))).toEqual(['video', 'voice']);
    const copies = p.telegram.sent(ADMIN_CHAT_ID).filter((m) => m.kind === 'copy');
    expect(copies.map((m) => m.media)).toEqual([video.video!.file_id, voice.voice!.file_id]);
    expect(copies[0]!.caption).toBe('My take');
    expect(bot.log).toEqual([]);
    await handle.terminate('test done');
  });
});
