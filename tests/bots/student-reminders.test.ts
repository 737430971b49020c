import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createErasure } from '../../journey/erasure';
import { studentData } from '../../journey/student-data';
import { COURSE_TOKEN } from '../helpers/platform';
import { startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { insertCourse } from '../helpers/fixtures';
import { enrolledStudent, startReviewDesk } from '../helpers/review-desk';
import type { ReviewDeskDriver } from '../helpers/review-desk';

type Enrolled = Awaited<ReturnType<typeof enrolledStudent>>;

/**
 * /reminders (#17) through the real course bot: the student picks 0–5 reminders a day with buttons or arguments,
 * the choice is stored and told to their journey; bad input and forged buttons are refused and change nothing.
 */
describe('/reminders in the course bot', () => {
  let p: Platform;
  let bot: ReviewDeskDriver;
  let slug: string;
  beforeAll(async () => {
    p = await startPlatform();
    slug = p.slug('remind');
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1, tasks: { FEEDBACK: 'Write a haiku.' } }, { day: 2 }] });
    bot = await startReviewDesk(p);
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(bot.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  const stored = async (userId: number) => {
    const [row] = await p.db.sql<{ perDay: number | null; start: string | null; end: string | null }[]>`
      select reminders_per_day as per_day, reminder_window_start::text as start, reminder_window_end::text as end
      from users where id = ${userId}`;
    return row;
  };
  /** The settings the journey was told, in order (the history's signals, decoded as the worker reads them). */
  const told = async (s: Enrolled) => {
    const { events } = await s.handle.fetchHistory();
    return (events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'remindersChosen')
      .length;
  };
  const lastText = (s: Enrolled) => bot.textsTo(s.user.id).at(-1) ?? '';

  it('shows the settings in force with a button for each number, and a press saves it and tells the journey', async () => {
    const ada = await enrolledStudent(p, slug, 'FEEDBACK', 'Ada');
    await bot.send(ada.user, { text: '/reminders' });
    expect(lastText(ada)).toMatch(/the course's own \(one, the day after a lesson\)/);
    const menu = p.telegram.sent(ada.user.id).at(-1)!;
    const buttons = JSON.stringify(menu.replyMarkup);
    for (let n = 0; n <= 5; n++) expect(buttons).toContain(`"rem:${n}:540-1260"`);
    expect(await stored(ada.userId)).toEqual({ perDay: null, start: null, end: null });

    await bot.press(ada.user, 'rem:3:540-1260');
    expect(lastText(ada)).toMatch(/Saved\. .*3 a day between 09:00-21:00/);
    expect(await stored(ada.userId)).toEqual({ perDay: 3, start: '09:00:00', end: '21:00:00' });
    expect(await told(ada)).toBe(1);
  });

  it('starts from the course’s settings when the course declares them', async () => {
    const declared = p.slug('declared');
    await insertCourse(p.db.sql, { slug: declared, lessons: [{ day: 1 }, { day: 2 }] });
    await p.db
      .sql`update courses set reminders_per_day = 2, reminder_window_start = '10:00', reminder_window_end = '18:00'
                   where slug = ${declared}`;
    const eve = await enrolledStudent(p, declared, 'BASIC', 'Eve');
    await bot.send(eve.user, { text: '/reminders' });
    expect(lastText(eve)).toMatch(/2 a day between 10:00-18:00 \(UTC\)/);
    expect(JSON.stringify(p.telegram.sent(eve.user.id).at(-1)!.replyMarkup)).toContain('"rem:4:600-1080"');
  });

  it('takes arguments: a number and a window, a number alone, and off', async () => {
    const bob = await enrolledStudent(p, slug, 'FEEDBACK', 'Bob');
    await bot.send(bob.user, { text: '/reminders 2 08:30-20:00' });
    expect(lastText(bob)).toMatch(/2 a day between 08:30-20:00 \(UTC\)/);
    expect(await stored(bob.userId)).toEqual({ perDay: 2, start: '08:30:00', end: '20:00:00' });
    await bot.send(bob.user, { text: '/reminders 5' });
    expect(await stored(bob.userId)).toEqual({ perDay: 5, start: '08:30:00', end: '20:00:00' });
    await bot.send(bob.user, { text: '/reminders off' });
    expect(lastText(bob)).toMatch(/reminders are off/);
    expect(await stored(bob.userId)).toEqual({ perDay: 0, start: '08:30:00', end: '20:00:00' });
    expect(await told(bob)).toBe(3);
  });

  it('refuses bad arguments and forged buttons with a clear error, changing nothing', async () => {
    const cy = await enrolledStudent(p, slug, 'FEEDBACK', 'Cy');
    await bot.send(cy.user, { text: '/reminders 2 10:00-18:00' });
    const before = await stored(cy.userId);
    for (const text of ['/reminders 9', '/reminders 3 25:00-21:00', '/reminders 3 21:00-09:00', '/reminders lots']) {
      await bot.send(cy.user, { text });
      expect(lastText(cy), text).toMatch(/Send \/reminders N HH:MM-HH:MM: N from 0 to 5.*Nothing was changed/);
    }
    await bot.send(cy.user, { text: '/reminders' });
    const menu = p.telegram.sent(cy.user.id).at(-1)!;
    for (const data of ['rem:9:600-1080', 'rem:3:1080-600', 'rem:3:600-1440', 'rem:3:600-1080:x']) {
      const id = p.telegram.pressButton({
        botToken: COURSE_TOKEN,
        from: cy.user,
        chatId: cy.user.id,
        messageId: menu.messageId,
        data,
      });
      await p.telegram.waitUntilHandled(COURSE_TOKEN);
      expect(p.telegram.callbackAnswer(id), data).toMatchObject({ text: expect.stringMatching(/not valid; nothing/) });
    }
    expect(await stored(cy.userId)).toEqual(before);
    expect(await told(cy)).toBe(1);
  });

  it('/mydata holds the choice and /forget erases it', async () => {
    const di = await enrolledStudent(p, slug, 'BASIC', 'Di');
    await bot.send(di.user, { text: '/reminders 4 07:00-22:00' });
    const data = (await studentData(p.db.sql, di.user.id)) as { profile: Record<string, unknown> };
    expect(data.profile).toMatchObject({
      remindersPerDay: 4,
      reminderWindowStart: '07:00:00',
      reminderWindowEnd: '22:00:00',
    });
    const erasure = createErasure({
      sql: p.db.sql,
      enrollments: p.temporal.enrollments,
      cancelPendingOrders: async () => {},
    });
    const groups = { revokeInvite: async () => {}, removeFromGroup: async () => {} };
    expect((await erasure.forget({ via: 'student' }, di.user.id, groups)).erased).toBe(true);
    expect(await stored(di.userId)).toEqual({ perDay: null, start: null, end: null });
  });
});
