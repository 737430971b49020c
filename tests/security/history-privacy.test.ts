import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import type { Tariff } from '../../domain/tariffs';
import type { TgUser } from '../../testing/bot-api';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, payment } from '../helpers/fixtures';
import { historyStrings } from '../helpers/histories';
import { ADMIN_CHAT_ID, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/**
 * Journey histories are kept for the namespace's retention, shown to ops in the Temporal UI and copied into the
 * Temporal server's backups, so they carry ids of rows, never a student's Telegram id, name, username, e-mail or
 * what they wrote (issue #16). Checked on the histories of journeys run without payload encryption, payloads read as
 * plain bytes: even a deployment that never set PAYLOAD_KEYS keeps them out.
 */
describe('journey histories', () => {
  let p: Platform;
  let bot: CourseBotDriver;
  let slug: string;
  beforeAll(async () => {
    // In clear: what goes into a history must hold no personal data before any encryption (issue #16).
    p = await startPlatform({ payloadKeys: [] });
    bot = await startCourseBot(p);
    slug = p.slug('private');
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 3_600_000,
      lessons: [{ day: 1, tasks: { BASIC: 'Describe yourself.', FEEDBACK: 'Describe yourself.' } }, { day: 2 }],
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });

  let nextTelegramId = 960_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
  async function student(tariff: Tariff) {
    const telegramId = nextTelegramId++;
    const person = {
      telegramId,
      firstName: `Zephyrine${telegramId}`,
      lastName: `Quillfeather${telegramId}`,
      username: `zeph_${telegramId}`,
      email: `zephyrine.${telegramId}@example.org`,
      submission: `My secret essay ${telegramId}`,
      question: `A question from ${telegramId}`,
    };
    const [{ id: userId }] = await p.db.sql<[{ id: number }]>`
      insert into users (telegram_id, first_name, last_name, username, email, language_code)
      values (${telegramId}, ${person.firstName}, ${person.lastName}, ${person.username}, ${person.email}, 'en')
      returning id`;
    const user: TgUser = {
      id: telegramId,
      first_name: person.firstName,
      username: person.username,
      language_code: 'en',
    };
    return { person, user, input: { userId, courseSlug: slug }, tariff };
  }

  /** Every string and every payload's bytes in a history, as text: what the history tells anyone who reads it. */
  /**
   * Whether `value` is in the history's text. A number counts only as a whole number: the reviewer's 5-digit id turns
   * up by chance inside event times and task ids (a false alarm about once in 20 runs); as data it would stand alone.
   */
  function holds(text: string, value: string | number): boolean {
    const needle = String(value);
    return /^\d+$/.test(needle) ? new RegExp(`(^|\\D)${needle}(\\D|$)`).test(text) : text.includes(needle);
  }

  async function historyText(handle: WorkflowHandle): Promise<string> {
    return historyStrings(await handle.fetchHistory()).join('\n');
  }

  it('hold no personal data of a student, through every tariff, a submission, a review, a question and a refund', async () => {
    const students = await Promise.all((['BASIC', 'FEEDBACK', 'PREMIUM'] as const).map(student));
    for (const { person, user, input, tariff } of students) {
      await p.temporal.enrollments.pay(input, payment(tariff));
      const handle = p.temporal.enrollments.handle(input);
      await eventually(
        () => handle.query(progressQuery),
        (pr) => pr.lessonsDelivered.includes(1),
      );
      // Homework through the course bot, as a student hands it in.
      await bot.press(user, `sub:${slug}:1`);
      await bot.send(user, { text: person.submission });
      await bot.press(user, 'sub-send');
      const submitted = await eventually(
        () => handle.query(progressQuery),
        (pr) => pr.assignments[0]?.status === (tariff === 'BASIC' ? 'auto-answered' : 'awaiting-review'),
      );
      if (tariff !== 'BASIC') {
        const assignmentId = submitted.assignments[0]!.id;
        const header = await p.telegram.waitFor(() =>
          p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text?.includes(`#${assignmentId} `)),
        );
        await bot.send(REVIEWER, {
          chatId: ADMIN_CHAT_ID,
          text: `Well written, ${person.firstName}`,
          replyToMessageId: header.messageId,
        });
        await eventually(
          () => handle.query(progressQuery),
          (pr) => pr.assignments[0]?.status === 'answered',
        );
      }
      // A question to the curators, then a refund by a reviewer.
      await bot.press(user, `ask:${slug}:1`);
      await bot.send(user, { text: person.question });
      await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: `/revoke ${person.telegramId} ${slug}` });
      expect(await handle.result()).toMatchObject({ stage: 'refunded' });

      const text = await historyText(handle);
      expect(text).toContain('"courseSlug"'); // the payloads are read in clear (the journey's input is JSON)
      for (const [what, value] of Object.entries(person)) {
        expect(holds(text, value), `${tariff} history holds the student's ${what}`).toBe(false);
      }
      expect(holds(text, REVIEWER.id), `${tariff} history holds the reviewer's Telegram id`).toBe(false);
    }
    expect(bot.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });
});
