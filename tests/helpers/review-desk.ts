import { createCourseBot } from '../../bots/course';
import type { CourseSettings } from '../../bots/course';
import { progressQuery } from '../../lib/enrollment-definitions';
import type { Tariff } from '../../lib/enrollment-definitions';
import type { TgUser } from '../../testing/bot-api';
import { insertUser, payment } from './fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually } from './platform';
import type { Platform } from './platform';

/** The one reviewer (REVIEWER_IDS) of the course bot these helpers start. */
export const REVIEWER: TgUser = { id: 31_337, first_name: 'Rita' };

export interface ReviewDeskDriver {
  /** What the bot logged: a handler that threw shows up here as "update N failed". */
  log: string[];
  username: string;
  /** A user writes to the course bot (their private chat, or `chatId`) and the bot has handled it. */
  send(
    from: TgUser,
    input: Omit<Parameters<Platform['telegram']['sendUserMessage']>[0], 'botToken' | 'from'>,
  ): Promise<ReturnType<Platform['telegram']['sendUserMessage']>>;
  /** Presses the button with this data on the newest message in `chatId` showing it; returns the bot's answer. */
  press(from: TgUser, data: string, chatId?: number): Promise<{ text?: string; show_alert?: boolean } | undefined>;
  textsTo(chatId: number): string[];
  stop(): Promise<void>;
}

/**
 * The real course bot (with its review desk in ADMIN_CHAT_ID), long polling the platform's Bot API stand-in, with
 * REVIEWER as its only reviewer; `settings` overrides.
 */
export async function startReviewDesk(p: Platform, settings: Partial<CourseSettings> = {}): Promise<ReviewDeskDriver> {
  const log: string[] = [];
  const bot = createCourseBot(
    COURSE_TOKEN,
    {
      sql: p.db.sql,
      enrollments: p.temporal.enrollments,
      settings: { adminChatId: ADMIN_CHAT_ID, reviewerIds: [REVIEWER.id], salesBot: '@sales_test_bot', ...settings },
      log: (line) => log.push(line),
    },
    { apiRoot: p.telegram.apiRoot },
  );
  await bot.init();
  const polling = bot.start({ timeout: 1 });
  const telegram = p.telegram;
  return {
    log,
    username: bot.botInfo.username,
    async send(from, input) {
      const message = telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, ...input });
      await telegram.waitUntilHandled(COURSE_TOKEN);
      return message;
    },
    async press(from, data, chatId = from.id) {
      const message = [...telegram.sent(chatId)]
        .reverse()
        .find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(JSON.stringify(data)));
      if (!message) throw new Error(`no button ${data} in chat ${chatId}`);
      const id = telegram.pressButton({ botToken: COURSE_TOKEN, from, chatId, messageId: message.messageId, data });
      await telegram.waitUntilHandled(COURSE_TOKEN);
      return telegram.callbackAnswer(id);
    },
    textsTo: (chatId) => telegram.sent(chatId).map((m) => m.text ?? m.caption ?? `[${m.kind}]`),
    async stop() {
      await bot.stop();
      await polling;
    },
  };
}

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

/** The student hands in day 1 through the bot's buttons; resolves with the assignment once it waits for review. */
export async function submitDayOne(
  p: Platform,
  bot: ReviewDeskDriver,
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
