import { createCourseBot } from '../../bots/course';
import type { CourseBotDeps, CourseSettings } from '../../bots/course';
import type { TgUser } from '../../testing/bot-api';
import { ADMIN_CHAT_ID, COURSE_TOKEN } from './platform';
import type { Platform } from './platform';

/** The one reviewer (REVIEWER_IDS) of the course bot these helpers start. */
export const REVIEWER: TgUser = { id: 31_337, first_name: 'Rita' };

export interface CourseBotDriver {
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

/** The real course bot, long polling the platform's Bot API stand-in, with REVIEWER as its only reviewer. */
export async function startCourseBot(
  p: Platform,
  settings: Partial<CourseSettings> = {},
  extra: Pick<CourseBotDeps, 'broadcasts'> = {},
): Promise<CourseBotDriver> {
  const log: string[] = [];
  const bot = createCourseBot(
    COURSE_TOKEN,
    {
      sql: p.db.sql,
      enrollments: p.temporal.enrollments,
      settings: { adminChatId: ADMIN_CHAT_ID, reviewerIds: [REVIEWER.id], salesBot: '@sales_test_bot', ...settings },
      log: (line) => log.push(line),
      ...extra,
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
