import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import type { EnrollmentInput } from '../../journey/definitions';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, eventually, searchAttributesOf, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const HOUR = 3_600_000;
// The running cohort began two and a half hours ago at its lesson time (UTC, the students' zone here), an hour per
// lesson: lessons 1–3 are behind it, lesson 4 comes in half an hour.
const cohortStart = new Date(Math.floor((Date.now() - 2.5 * HOUR) / 60_000) * 60_000);
const first = { name: 'first', startsOn: cohortStart.toISOString().slice(0, 10) };

/** Cohorts (#17) on the real dev server through the real course bot: the review desk's /cohort, a late joiner, /progress, /stats. */
describe('cohorts at the review desk and for a student', () => {
  let platform: Platform;
  let bot: CourseBotDriver;
  let courseSlug: string;
  let selfPaced: string;

  beforeAll(async () => {
    platform = await startPlatform();
    bot = await startCourseBot(platform);
    courseSlug = platform.slug('cohort');
    selfPaced = platform.slug('self-paced');
    await insertCourse(platform.db.sql, {
      slug: courseSlug,
      intervalMs: HOUR,
      cohorts: {
        policy: 'catch-up',
        catchUpEveryMs: 700,
        lessonTime: cohortStart.toISOString().slice(11, 16),
        starts: [first],
      },
      lessons: [1, 2, 3, 4, 5].map((day) => ({ day })),
    });
    await insertCourse(platform.db.sql, { slug: selfPaced, lessons: [{ day: 1 }] });
  });
  afterAll(async () => {
    await bot?.stop();
    await platform?.close();
  });

  const desk = async (text: string, from = REVIEWER) => {
    await bot.send(from, { chatId: ADMIN_CHAT_ID, text });
    return bot.textsTo(ADMIN_CHAT_ID).at(-1);
  };
  const cohortRows = () =>
    platform.db.sql<{ name: string }[]>`
      select h.name from cohorts h join courses c on c.id = h.course_id where c.slug in (${courseSlug}, ${selfPaced})
      order by h.name`;

  it('adds a cohort from the review chat, audited, and lists it', async () => {
    const startsOn = isoDate(10);
    expect(await desk(`/cohort add ${courseSlug} autumn ${startsOn}`)).toBe(
      `👥 ${courseSlug}: cohort autumn starts on ${startsOn}.`,
    );
    const audit = await platform.db.sql<{ adminTelegramId: number; details: unknown }[]>`
      select admin_telegram_id, details from admin_actions where action = 'add-cohort' and target = ${`course:${courseSlug}`}`;
    expect(audit).toEqual([
      { adminTelegramId: REVIEWER.id, details: { name: 'autumn', startsOn, via: 'review-chat' } },
    ]);
    expect(await desk(`/cohort list ${courseSlug}`)).toBe(
      [
        '👥 Cohorts:',
        `• ${courseSlug} · first · ${first.startsOn}: 0 students, 0 completed`,
        `• ${courseSlug} · autumn · ${startsOn} (added here): 0 students, 0 completed`,
      ].join('\n'),
    );
  });

  it('answers every malformed or refused /cohort with a clear reason and changes nothing', async () => {
    const before = await cohortRows();
    const refusals: [string, string][] = [
      ['/cohort', 'Usage: /cohort add <course> <name> <YYYY-MM-DD>, or /cohort list [course]'],
      [`/cohort add ${courseSlug} winter`, 'Usage: /cohort add <course> <name> <YYYY-MM-DD>, or /cohort list [course]'],
      [
        `/cohort add ${courseSlug} Winter ${isoDate(5)}`,
        'A cohort name is lowercase letters, digits and dashes (at most 40), not "Winter".',
      ],
      [`/cohort add ${courseSlug} winter 2027-02-30`, '"2027-02-30" is not a date like 2027-03-01.'],
      [
        `/cohort add ${courseSlug} winter ${isoDate(-2)}`,
        `${isoDate(-2)} has passed; a new cohort starts today or later.`,
      ],
      [`/cohort add no-such-course winter ${isoDate(5)}`, 'No course "no-such-course".'],
      [
        `/cohort add ${selfPaced} winter ${isoDate(5)}`,
        `${selfPaced} is self-paced: give it cohorts: (a policy) in course.yaml first.`,
      ],
      [`/cohort add ${courseSlug} first ${isoDate(5)}`, `${courseSlug} already has a cohort "first".`],
    ];
    for (const [command, answer] of refusals) expect(await desk(command), command).toBe(answer);
    // A member of the review chat who is not a reviewer is turned away.
    const stranger = { id: 4_242_001, first_name: 'Mallory' };
    expect(await desk(`/cohort add ${courseSlug} sneaky ${isoDate(5)}`, stranger)).toBe(
      'Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.',
    );
    expect(await cohortRows()).toEqual(before);
  });

  it('catches a late buyer up in the running cohort and shows the cohort in /progress, /stats and the UI', async () => {
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input: EnrollmentInput = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('BASIC'));
    // The three lessons the cohort has had come one after another; lesson 4 keeps the cohort's time.
    const progress = await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.length === 3 && p.nextLessonDueAt !== null,
    );
    expect(progress).toMatchObject({ lessonsDelivered: [1, 2, 3], cohort: first });
    expect(progress.nextLessonDueAt).toBe(cohortStart.getTime() + 3 * HOUR);
    const bodies = platform.telegram.sent(telegramId).flatMap((m) => m.text?.match(/Body of lesson \d/) ?? []);
    expect(bodies).toEqual(['Body of lesson 1', 'Body of lesson 2', 'Body of lesson 3']);
    expect(await searchAttributesOf(platform, input)).toMatchObject({ cohort: 'first' });

    await bot.send({ id: telegramId, first_name: 'Ada' }, { text: '/progress' });
    expect(bot.textsTo(telegramId).at(-1)).toContain(`👥 Cohort first, started on ${first.startsOn}`);
    expect(await desk('/stats')).toContain(`👥 By cohort:\n• ${courseSlug} · first: 1 (1 on the way, 0 completed)`);
    expect(await desk(`/cohort list ${courseSlug}`)).toContain(
      `• ${courseSlug} · first · ${first.startsOn}: 1 student, 0 completed`,
    );
    await handle.terminate('test over');
  });
});
