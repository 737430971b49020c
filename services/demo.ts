import type { Sql } from '../db';
import { assignmentSubmittedSignal, progressQuery, submitFeedbackUpdate } from '../lib/enrollment-definitions';
import type { BotApiStandIn } from '../testing/bot-api';
import type { EnrollmentClient } from './enrollments';

export interface DemoOptions {
  sql: Sql;
  enrollments: EnrollmentClient;
  standIn: BotApiStandIn;
  courseSlug: string;
  adminChatId: number;
  log: (line: string) => void;
}

const DEMO_TELEGRAM_ID_BASE = 100_000_000;

/**
 * A scripted FEEDBACK student (and a reviewer) walking through a whole course against the local Bot API stand-in,
 * printing the conversation as it happens. Until the sales and course bots land, the demo talks to the journey the
 * way they will: a mock payment, an assignment signal and the reviewer's feedback update.
 */
export async function runDemo({
  sql,
  enrollments,
  standIn,
  courseSlug,
  adminChatId,
  log,
}: DemoOptions): Promise<string> {
  const [{ count }] = await sql<[{ count: number }]>`
    select count(*)::int as count from users where telegram_id between ${DEMO_TELEGRAM_ID_BASE} and ${DEMO_TELEGRAM_ID_BASE + 999_999}`;
  const telegramId = DEMO_TELEGRAM_ID_BASE + count + 1;
  const [user] = await sql<{ id: number }[]>`
    insert into users (telegram_id, first_name, language_code, time_zone)
    values (${telegramId}, ${`Demo student ${count + 1}`}, 'en', 'Europe/Berlin') returning id`;
  const input = { userId: user!.id, courseSlug };
  const [tariff] = await sql<{ priceMinor: number; currency: string }[]>`
    select t.price_minor, t.currency from course_tariffs t join courses c on c.id = t.course_id
    where c.slug = ${courseSlug} and t.tariff = 'FEEDBACK'`;
  if (!tariff) throw new Error(`Course "${courseSlug}" sells no FEEDBACK tariff`);

  const handle = enrollments.handle(input);
  log(`\n👤 Demo student ${count + 1} (journey ${handle.workflowId}) pays for FEEDBACK`);
  await enrollments.pay(input, {
    provider: 'mock',
    providerPaymentId: `demo-${telegramId}`,
    amountMinor: tariff.priceMinor,
    currency: tariff.currency,
    tariff: 'FEEDBACK',
  });

  const printed = new Map<number, number>();
  let submitted = false;
  let reviewed = false;
  const pump = async () => {
    for (const [chatId, who] of [
      [telegramId, 'student'],
      [adminChatId, 'review chat'],
    ] as const) {
      const messages = standIn.sent(chatId);
      for (const message of messages.slice(printed.get(chatId) ?? 0)) {
        const text = (message.text ?? message.caption ?? `[${message.kind}]`).replace(/<[^>]+>/g, '');
        log(`🤖 → ${who}: ${text.length > 160 ? `${text.slice(0, 157)}…` : text}`.replace(/\n+/g, ' ⏎ '));
        if (who === 'student' && !submitted && /Day 1\./.test(text)) {
          submitted = true;
          log(`👤 student submits the day 1 assignment`);
          await handle.signal(assignmentSubmittedSignal, {
            submissionKey: `${telegramId}:demo`,
            day: 1,
            parts: [{ type: 'text', text: 'Here is my first bot: it answers /start with a greeting.' }],
          });
        }
        if (who === 'review chat' && !reviewed && /Assignment #(\d+)/.test(text)) {
          reviewed = true;
          const assignmentId = Number(/Assignment #(\d+)/.exec(text)![1]);
          log(`🧑‍🏫 reviewer answers assignment #${assignmentId}`);
          await handle.executeUpdate(submitFeedbackUpdate, {
            args: [
              {
                assignmentId,
                reviewerTelegramId: 1,
                parts: [{ type: 'text', text: 'Nice start! Try a keyboard next.' }],
              },
            ],
          });
        }
      }
      printed.set(chatId, messages.length);
    }
  };

  const result = handle.result();
  let finished = false;
  void result.finally(() => (finished = true)).catch(() => {});
  while (!finished) {
    await pump();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await pump();
  const outcome = await result;
  const progress = await handle.query(progressQuery);
  return `${outcome.stage}, lessons ${outcome.lessonsDelivered.join(', ')}, assignments ${progress.assignments.map((a) => a.status).join(', ') || 'none'}`;
}
