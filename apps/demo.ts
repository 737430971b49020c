import { randomBytes } from 'node:crypto';
import type { CourseDefinition } from '../content/loader';
import { withoutBlanks } from '../config/env';
import type { Env } from '../config/env';
import type { Sql } from '../db';
import { progressQuery } from '../journey/definitions';
import type { BotApiStandIn, SentMessage, TgUser } from '../testing/bot-api';
import type { EnrollmentClient } from '../journey/client';
import { pause } from '../lib/pause';

export interface DemoOptions {
  sql: Sql;
  enrollments: EnrollmentClient;
  standIn: BotApiStandIn;
  salesToken: string;
  courseToken: string;
  reviewer: TgUser;
  courseSlug: string;
  adminChatId: number;
  log: (line: string) => void;
}

const DEMO_TELEGRAM_ID_BASE = 100_000_000;
/** Questions in the quiz of the demo course's lesson 2 (content/demo/lessons/02-first-bot.md). */
const DEMO_QUIZ_QUESTIONS = 3;

/** Who the demo is on the local Bot API stand-in: its two bots, its review chat and its reviewer. */
export interface DemoIdentities {
  apiRoot: string;
  salesToken: string;
  courseToken: string;
  adminChatId: number;
  reviewerId: number;
}

/**
 * The environment `npm start` runs the platform with for the demo, built from the real one (never a change to a parsed
 * config): the demo's bots, review chat and reviewer on the stand-in, and example documents and a mock-payment secret
 * for this run unless .env names its own. The demo is the mock provider's opt-in; NODE_ENV=production still refuses it.
 */
export function demoEnvironment(env: Env, demo: DemoIdentities): Env {
  return {
    OFFER_URL: 'https://example.com/offer',
    PRIVACY_URL: 'https://example.com/privacy',
    MOCK_PAYMENT_SECRET: randomBytes(24).toString('hex'),
    PAYMENT_PROVIDERS: 'mock',
    ...withoutBlanks(env),
    TELEGRAM_API_ROOT: demo.apiRoot,
    SALES_BOT_TOKEN: demo.salesToken,
    COURSE_BOT_TOKEN: demo.courseToken,
    ADMIN_CHAT_ID: String(demo.adminChatId),
    REVIEWER_IDS: String(demo.reviewerId),
    ALLOW_MOCK_PAYMENTS: 'true',
  };
}

/**
 * Example private groups for the paid tariffs, so the demo shows the one-person invite links. They exist only in the
 * local Bot API stand-in (every supergroup id does there); a real course names its own groups in course.yaml, and the
 * sales bot must be an admin of each (README: "Groups").
 */
export const DEMO_GROUPS: Partial<Record<string, number[]>> = {
  FEEDBACK: [-1_001_000_000_001],
  PREMIUM: [-1_001_000_000_001, -1_001_000_000_002],
};

/** A course as the local demo runs it: at demo pace, with example groups where the course names none. */
export function asDemoCourse(course: CourseDefinition, lessonIntervalMs: number): CourseDefinition {
  return {
    ...course,
    lessonIntervalMs,
    tariffs: course.tariffs.map((t) =>
      t.groupChatIds.length > 0 ? t : { ...t, groupChatIds: DEMO_GROUPS[t.tariff] ?? [] },
    ),
    contentHash: `${course.contentHash}:demo:${lessonIntervalMs}:groups`,
  };
}

/**
 * A scripted FEEDBACK student (and a reviewer) going through the whole course against the local Bot API stand-in,
 * printing the conversation as it happens: /start with a referral link, tariff, consent, the mock provider's checkout
 * page, access, the lesson-time choice, lessons, homework through the course bot, and a reviewer's answer from the
 * review chat.
 */
export async function runDemo(options: DemoOptions): Promise<string> {
  const { sql, enrollments, standIn, salesToken, courseToken, reviewer, courseSlug, adminChatId, log } = options;
  const [{ count }] = await sql<[{ count: number }]>`
    select count(*)::int as count from users where telegram_id between ${DEMO_TELEGRAM_ID_BASE} and ${DEMO_TELEGRAM_ID_BASE + 999_999}`;
  const student: TgUser = {
    id: DEMO_TELEGRAM_ID_BASE + count + 1,
    first_name: `Demo student ${count + 1}`,
    language_code: 'en',
  };
  const printer = conversationPrinter(
    standIn,
    [
      [student.id, 'student'],
      [adminChatId, 'review chat'],
    ],
    log,
  );

  const say = async (text: string, botToken = salesToken) => {
    log(`👤 student: ${text}`);
    standIn.sendUserMessage({ botToken, from: student, text });
    await standIn.waitUntilHandled(botToken);
  };
  const press = async (data: string, label: string, botToken = salesToken) => {
    const message = await standIn.waitFor(() =>
      [...standIn.sent(student.id)]
        .reverse()
        .find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(JSON.stringify(data))),
    );
    log(`👤 student presses “${label}”`);
    standIn.pressButton({ botToken, from: student, messageId: message.messageId, data });
    await standIn.waitUntilHandled(botToken);
  };

  await say('/start demo-partner');
  await press(`t:${courseSlug}:FEEDBACK`, 'FEEDBACK');
  await press(`b:${courseSlug}:FEEDBACK`, 'Buy');
  await press(`ok:${courseSlug}:FEEDBACK`, 'I accept');
  await press(`p:${courseSlug}:FEEDBACK:mock`, 'Card (test)');
  const payment = await standIn.waitFor(() =>
    standIn.sent(student.id).find((m) => m.text?.includes('Tap the button to pay')),
  );
  const markup = payment.replyMarkup;
  const button = markup && 'inline_keyboard' in markup ? markup.inline_keyboard[0]?.[0] : undefined;
  if (!button || !('url' in button)) throw new Error('The payment message has no button with a payment URL');
  const url = button.url;
  log(`👤 student pays on ${url}`);
  const paid = await fetch(`${url}/pay`, { method: 'POST' });
  if (!paid.ok) throw new Error(`The mock checkout answered ${paid.status}`);
  await press(`sched:${courseSlug}:now`, 'Start now');

  const [user] = await sql<{ id: number }[]>`select id from users where telegram_id = ${student.id}`;
  if (!user) throw new Error(`The student ${student.id} paid but has no users row`);
  const handle = enrollments.handle({ userId: user.id, courseSlug });
  log(`   (journey ${handle.workflowId} in the Temporal UI)`);
  await standIn.waitFor(() => standIn.sent(student.id).find((m) => /Day 1\./.test(m.text ?? '')), {
    timeoutMs: 60_000,
  });
  await press(`sub:${courseSlug}:1`, 'Submit assignment', courseToken);
  await say('Here is my first bot: it answers /start with a greeting.', courseToken);
  await press('sub-send', 'Send', courseToken);
  const review = await standIn.waitFor(() =>
    standIn.sent(adminChatId).find((m) => /Assignment #\d+/.test(m.text ?? '')),
  );
  log(`🧑‍🏫 reviewer replies to ${/Assignment #\d+/.exec(review.text!)![0]} in the review chat`);
  standIn.sendUserMessage({
    botToken: courseToken,
    from: reviewer,
    chatId: adminChatId,
    text: 'Nice start! Try a keyboard next.',
    replyToMessageId: review.messageId,
  });
  await standIn.waitUntilHandled(courseToken);
  await answerQuiz(standIn, student, courseToken, log);

  const outcome = await handle.result();
  printer.stop();
  const progress = await handle.query(progressQuery);
  return `${outcome.stage}, lessons ${outcome.lessonsDelivered.join(', ')}, assignments ${progress.assignments.map((a) => a.status).join(', ') || 'none'}`;
}

/** The demo course's day 2 quiz: the student reads each poll for a moment, then picks the right option. */
async function answerQuiz(standIn: BotApiStandIn, student: TgUser, courseToken: string, log: (line: string) => void) {
  const polls = await standIn.waitFor(
    () => {
      const sent = standIn.sent(student.id).filter((m) => m.kind === 'poll');
      return sent.length === DEMO_QUIZ_QUESTIONS && sent;
    },
    { timeoutMs: 60_000, what: 'the day 2 quiz' },
  );
  for (const { poll } of polls) {
    if (!poll) continue;
    await pause(1_000);
    log(`👤 student answers “${poll.options[poll.correct[0] ?? 0]}”`);
    standIn.answerPoll({ botToken: courseToken, from: student, pollId: poll.id, optionIds: poll.correct.slice(0, 1) });
    await standIn.waitUntilHandled(courseToken);
  }
}

/** Prints every message the bots send to the given chats, as they arrive. */
function conversationPrinter(standIn: BotApiStandIn, chats: [number, string][], log: (line: string) => void) {
  const printed = new Map<number, number>();
  const print = () => {
    for (const [chatId, who] of chats) {
      const messages = standIn.sent(chatId);
      for (const message of messages.slice(printed.get(chatId) ?? 0)) log(`🤖 → ${who}: ${preview(message)}`);
      printed.set(chatId, messages.length);
    }
  };
  const timer = setInterval(print, 200);
  return {
    stop() {
      clearInterval(timer);
      print();
    },
  };
}

function preview(message: SentMessage): string {
  const text = message.text ?? message.caption ?? (message.poll ? `📊 ${message.poll.question}` : `[${message.kind}]`);
  return (text.length > 160 ? `${text.slice(0, 157)}…` : text).replace(/\n+/g, ' ⏎ ');
}
