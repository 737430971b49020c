import { temporal } from '@temporalio/proto';
import { broadcastClient } from '../journey/broadcast-client';
import { broadcastWorkflowId } from '../journey/definitions';
import type { SentMessage } from '../testing/bot-api';
import { enrollPaid } from './enroll';
import { insertBenchCourse, insertStudents } from './fixtures';
import { round } from './scenarios';
import { ADMIN_CHAT_ID, COURSE_TOKEN, TASK_QUEUE, startStack } from './stack';
import type { Stack } from './stack';
import { inParallel, sleep, summary, until } from './stats';

const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

/**
 * Benchmark 7 (#18): one broadcast to `recipients` students through the real worker process, paced at
 * `sendsPerSecond` (no lessons due, so bulk has the whole rate) against the stand-in with a per-bot limit above it.
 * Throughput is first to last copy the stand-in received; duplicates are counted from what it received; history size
 * is each run's (continue-as-new) history as the server stores it.
 */
export async function broadcastBench(
  settings: { recipients: number; sendsPerSecond: number; lessons: number },
  log: (line: string) => void,
) {
  const { recipients, sendsPerSecond } = settings;
  const stack = await startStack(log, {
    sendsPerSecond,
    // Telegram's per-chat limits stay; the bot's is the configured rate's double, so a burst above the rate shows as 429s.
    telegramLimits: { perBotPerSecond: sendsPerSecond * 2 },
  });
  try {
    await insertBenchCourse(stack.sql, { slug: 'bench-broadcast', intervalMs: 86_400_000 });
    const students = await insertStudents(stack.sql, 860_000_000, recipients);
    await stack.sql`
      insert into enrollments (user_id, course_id, workflow_id, tariff, stage)
      select u.id, c.id, 'bench-broadcast-' || u.id, 'BASIC', 'active'
      from users u, courses c where c.slug = 'bench-broadcast' and u.telegram_id >= 860000000`;
    // Journeys for the second phase, paid and waiting for day 2 (day 1 is silent), before anything is measured.
    await insertBenchCourse(stack.sql, { slug: 'bench-bc-lessons', intervalMs: 86_400_000, silentDayOne: true });
    const lessonStudents = await insertStudents(stack.sql, 870_000_000, settings.lessons);
    if (settings.lessons > 0) await enrollPaid(stack, 'bench-bc-lessons', lessonStudents, { paymentPrefix: 'bcl' });
    // The reviewer's message in the review chat, as the course bot saw it, and the confirmed row /broadcast makes.
    const source = stack.telegram.sendUserMessage({
      botToken: COURSE_TOKEN,
      from: { id: 1, first_name: 'Reviewer' },
      chatId: ADMIN_CHAT_ID,
      text: 'Bench broadcast: a message to every student',
    });
    const confirmedRow = async () => {
      const [row] = await stack.sql<{ id: number }[]>`
        insert into broadcasts (created_by, source_chat_id, source_message_ids, course_id, status, confirmed_by, confirmed_at)
        select 1, ${ADMIN_CHAT_ID}, ${[source.message_id]}, id, 'confirmed', 1, now() from courses where slug = 'bench-broadcast'
        returning id`;
      return row!.id;
    };
    const id = await confirmedRow();
    const chats = new Set(students.map((s) => s.telegramId));
    const isCopy = (m: SentMessage) => m.botId === COURSE_BOT_ID && m.method === 'copyMessage' && chats.has(m.chatId);
    const callsBefore = stack.telegram.calls().length;

    log(`7. broadcast: ${recipients} recipients at ${sendsPerSecond}/s`);
    const startedAt = Date.now();
    await broadcastClient(stack.client, TASK_QUEUE).start(id);
    const handle = stack.client.workflow.getHandle(broadcastWorkflowId(id));
    const deadline = startedAt + (recipients / sendsPerSecond) * 3_000 + 120_000;
    await until('the broadcast to finish', deadline, async () => (await handle.describe()).status.name === 'COMPLETED');
    await sleep(3_000); // anything sent twice would show up now
    const copies = stack.telegram.sent().filter(isCopy);
    const perChat = new Map<number, number>();
    for (const m of copies) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    const arrivals = copies.map((m) => m.at);
    const [firstAt, lastAt] = [Math.min(...arrivals), Math.max(...arrivals)];
    const rate = (perChat.size - 1) / ((lastAt - firstAt) / 1000);
    const calls = stack.telegram.calls().slice(callsBefore);
    const [outcomes] = await stack.sql<{ sent: number; failed: number; blocked: number }[]>`
      select count(*) filter (where outcome = 'sent')::int as sent, count(*) filter (where outcome = 'failed')::int as failed,
             count(*) filter (where outcome = 'blocked')::int as blocked
      from broadcast_deliveries where broadcast_id = ${id}`;
    return {
      recipients,
      configuredPerSecond: sendsPerSecond,
      seconds: round((lastAt - firstAt) / 1000, 1),
      startToLastCopySeconds: round((lastAt - startedAt) / 1000, 1),
      copiesPerSecond: round(rate, 1),
      shareOfConfiguredRate: round(rate / sendsPerSecond, 3),
      received: perChat.size,
      duplicates: [...perChat.values()].reduce((n, c) => n + (c - 1), 0),
      losses: recipients - perChat.size,
      telegram429s: calls.filter((c) => c.status === 429).length,
      outcomes,
      histories: await historySizes(stack.client, broadcastWorkflowId(id)),
      withLessons:
        settings.lessons > 0
          ? await lessonsDuringBroadcast(stack, lessonStudents, await confirmedRow(), sendsPerSecond)
          : null,
    };
  } finally {
    await stack.stop();
  }
}

/** Every run of the workflow (newest first, following continue-as-new back), with its events and encoded bytes. */
async function historySizes(client: Awaited<ReturnType<typeof startStack>>['client'], workflowId: string) {
  const runs: { events: number; bytes: number }[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    runs.push({ events: history.events?.length ?? 0, bytes });
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return {
    runs: runs.length,
    maxBytes: Math.max(...runs.map((r) => r.bytes)),
    maxEvents: Math.max(...runs.map((r) => r.events)),
    totalBytes: runs.reduce((n, r) => n + r.bytes, 0),
  };
}

/**
 * Phase 2: a second broadcast to the same students runs; 10 s in, `students.length` lessons fall due at once (a
 * `moveToDay` signal each). Lessons are the scheduled lane, the broadcast the bulk one: while lessons wait, bulk takes
 * at most TELEGRAM_BULK_SHARE (0.1) of the slots. Measured: the lessons' rate and lateness, the broadcast's rate
 * while they were going out, and duplicates. The broadcast is cancelled once the lessons are out.
 */
async function lessonsDuringBroadcast(
  stack: Stack,
  students: { userId: number; telegramId: number }[],
  broadcastId: number,
  sendsPerSecond: number,
) {
  const chats = new Set(students.map((s) => s.telegramId));
  const sentBefore = stack.telegram.sent().length;
  const fresh = () => stack.telegram.sent().slice(sentBefore);
  const client = broadcastClient(stack.client, TASK_QUEUE);
  await client.start(broadcastId);
  await sleep(10_000);
  const due = new Map<number, number>();
  await inParallel(students, 32, async ({ userId, telegramId }) => {
    due.set(telegramId, Date.now());
    await stack.enrollments.handle({ userId, courseSlug: 'bench-bc-lessons' }).signal('moveToDay', { day: 2 });
  });
  const isLesson = (m: SentMessage) => chats.has(m.chatId) && /^Day 2\./.test(m.text ?? '');
  await until('every lesson during the broadcast', Date.now() + 300_000, () => {
    return (
      new Set(
        fresh()
          .filter(isLesson)
          .map((m) => m.chatId),
      ).size === students.length
    );
  });
  await client.signal(broadcastId, 'cancel');
  const handle = stack.client.workflow.getHandle(broadcastWorkflowId(broadcastId));
  await until(
    'the second broadcast to end',
    Date.now() + 60_000,
    async () => (await handle.describe()).status.name === 'COMPLETED',
  );
  await sleep(3_000);
  const lessons = fresh().filter(isLesson);
  const [firstDue, firstLesson, lastLesson] = [
    Math.min(...due.values()),
    Math.min(...lessons.map((m) => m.at)),
    Math.max(...lessons.map((m) => m.at)),
  ];
  const copies = fresh().filter((m) => m.botId === COURSE_BOT_ID && m.method === 'copyMessage');
  const copiesWhileLessons = copies.filter((m) => m.at >= firstLesson && m.at <= lastLesson).length;
  const seconds = (lastLesson - firstLesson) / 1000;
  const perChat = new Map<number, number>();
  for (const m of copies) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
  return {
    lessons: students.length,
    lessonsSeconds: round(seconds, 1),
    lessonsPerSecond: round((lessons.length - 1) / seconds, 1),
    lessonShareOfRate: round((lessons.length - 1) / seconds / sendsPerSecond, 3),
    lessonLatenessMs: summary(lessons.map((m) => m.at - (due.get(m.chatId) ?? firstDue))),
    broadcastCopiesPerSecondWhileLessons: round(copiesWhileLessons / seconds, 1),
    broadcastShareWhileLessons: round(copiesWhileLessons / seconds / sendsPerSecond, 3),
    lessonDuplicates: lessons.length - new Set(lessons.map((m) => m.chatId)).size,
    broadcastCopies: copies.length,
    broadcastDuplicates: [...perChat.values()].reduce((n, c) => n + (c - 1), 0),
  };
}
