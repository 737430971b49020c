import { encodeButton } from '../telegram/callback-data';
import type { SentMessage } from '../testing/bot-api/types';
import { COURSE_TOKEN, SALES_TOKEN } from './stack';
import type { Stack } from './stack';
import { sleep } from './stats';

export const SALES_BOT_ID = Number(SALES_TOKEN.split(':')[0]);
export const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

/** What a student does on the course bot, in this order, each after the reply to the one before. */
export type StudentAction = 'lesson' | 'progress' | 'submit' | 'answer' | 'send';

/** One user action and the bot's reply to it: the first message of that bot in that chat that answers it. */
export interface ActionRecord {
  chatId: number;
  action: StudentAction | 'start';
  requestedAt: number;
  repliedAt?: number;
}

/**
 * The messages bots put into chats, indexed by chat as they arrive (one pass over the stand-in's records every 25 ms),
 * so a hundred users waiting for their replies cost the driver, which also hosts the stand-in, next to nothing.
 */
export function watchChats(stack: Stack) {
  const byChat = new Map<number, SentMessage[]>();
  let seen = 0;
  const poll = () => {
    const all = stack.telegram.sent();
    for (; seen < all.length; seen++) {
      const m = all[seen]!;
      byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m]);
    }
  };
  const timer = setInterval(poll, 25);
  const inChat = (chatId: number) => byChat.get(chatId) ?? [];
  return {
    inChat,
    /** The first message of `botId` in `chatId` at or after `since` that `match`es, once it is there. */
    async reply(chatId: number, botId: number, since: number, match: RegExp, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = inChat(chatId).find(
          (m) => m.botId === botId && m.at >= since && match.test(m.text ?? m.caption ?? ''),
        );
        if (found || Date.now() > deadline) return found;
        await sleep(25);
      }
    },
    stop: () => clearInterval(timer),
  };
}

export type Inbox = ReturnType<typeof watchChats>;

/** What answers each action: the lesson again, the progress card, the submission prompt, "Received", the ack. */
const REPLIES: Record<StudentAction, RegExp> = {
  lesson: /^Day 1\./,
  progress: /Day \d+ of \d+/,
  submit: /^Send your day 1 assignment/,
  answer: /^Received 1 part/,
  send: /Assignment received/,
};

/**
 * A student of `courseSlug` (day 1 delivered, with its assignment) on the course bot: /lesson, /progress, then hands
 * in the assignment (the "Submit assignment" button, one text message, "Send"), `thinkMs` after each reply. A reply
 * that does not come within `replyTimeoutMs` ends the student's turn; its record stays without `repliedAt`.
 */
export async function playStudent(
  stack: Stack,
  inbox: Inbox,
  telegramId: number,
  options: { courseSlug: string; thinkMs: number; replyTimeoutMs: number },
): Promise<ActionRecord[]> {
  const from = { id: telegramId, first_name: `Student ${telegramId}`, language_code: 'en' };
  const chatId = telegramId;
  const records: ActionRecord[] = [];
  const press = (data: string) => {
    const button = JSON.stringify(data);
    const under = [...inbox.inChat(chatId)].reverse().find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(button));
    if (!under) return false;
    stack.telegram.pressButton({ botToken: COURSE_TOKEN, from, chatId, messageId: under.messageId, data });
    return true;
  };
  const steps: [StudentAction, () => boolean][] = [
    ['lesson', () => !!stack.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, text: '/lesson' })],
    ['progress', () => !!stack.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, text: '/progress' })],
    ['submit', () => press(encodeButton({ kind: 'submit', slug: options.courseSlug, day: 1 }))],
    ['answer', () => !!stack.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, text: 'An old silent pond' })],
    ['send', () => press(encodeButton({ kind: 'send-submission' }))],
  ];
  for (const [action, act] of steps) {
    if (!act()) throw new Error(`Benchmark student ${telegramId} found no button for "${action}"`);
    const record: ActionRecord = { chatId, action, requestedAt: Date.now() };
    records.push(record);
    const reply = await inbox.reply(chatId, COURSE_BOT_ID, record.requestedAt, REPLIES[action], options.replyTimeoutMs);
    if (!reply) break;
    record.repliedAt = reply.at;
    await sleep(options.thinkMs);
  }
  return records;
}

/** `users` new users send /start to the sales bot within a few milliseconds; resolves with their replies. */
export async function startAtOnce(stack: Stack, inbox: Inbox, firstId: number, users: number, timeoutMs: number) {
  const records: ActionRecord[] = [];
  for (let id = firstId; id < firstId + users; id++) {
    stack.telegram.sendUserMessage({
      botToken: SALES_TOKEN,
      from: { id, first_name: `User ${id}`, language_code: 'en' },
      text: '/start',
    });
    records.push({ chatId: id, action: 'start', requestedAt: Date.now() });
  }
  await Promise.all(
    records.map(async (r) => {
      r.repliedAt = (await inbox.reply(r.chatId, SALES_BOT_ID, r.requestedAt, /(?:)/, timeoutMs))?.at;
    }),
  );
  return records;
}
