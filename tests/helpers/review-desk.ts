import { progressQuery } from '../../journey/definitions';
import type { Tariff } from '../../domain/tariffs';
import type { TgUser } from '../../testing/bot-api';
import type { CourseBotDriver } from './course-bot';
import { insertUser, payment } from './fixtures';
import { ADMIN_CHAT_ID, eventually } from './platform';
import type { Platform } from './platform';

export { REVIEWER, startCourseBot as startReviewDesk } from './course-bot';
export type { CourseBotDriver as ReviewDeskDriver } from './course-bot';

/** A paid student of `slug` whose lesson 1 has arrived. */
export async function enrolledStudent(p: Platform, slug: string, tariff: Tariff, firstName = 'Kim') {
  const { userId, telegramId } = await insertUser(p.db.sql, { firstName });
  const user: TgUser = { id: telegramId, first_name: firstName, language_code: 'en' };
  await p.temporal.enrollments.pay({ userId, courseSlug: slug }, payment(tariff));
  const handle = p.temporal.enrollments.handle({ userId, courseSlug: slug });
  await eventually(
    () => handle.query(progressQuery),
    (pr) => pr.lessonsDelivered.includes(1),
  );
  return { user, userId, handle };
}

/** The student hands in day 1 through the bot's buttons; resolves once the assignment waits in the review chat. */
export async function submitDayOne(
  p: Platform,
  bot: CourseBotDriver,
  slug: string,
  student: { user: TgUser; handle: ReturnType<Platform['temporal']['enrollments']['handle']> },
  text: string,
) {
  await bot.press(student.user, `sub:${slug}:1`);
  await bot.send(student.user, { text });
  await bot.press(student.user, 'sub-send');
  const progress = await eventually(
    () => student.handle.query(progressQuery),
    (pr) => pr.assignments.at(-1)?.status === 'awaiting-review',
  );
  const assignmentId = progress.assignments.at(-1)!.id;
  const header = await p.telegram.waitFor(() =>
    p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.includes(`Assignment #${assignmentId} `)),
  );
  return { assignmentId, header };
}
