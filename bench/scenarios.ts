import { enrollmentWorkflowId } from '../journey/definitions';
import type { SentMessage } from '../testing/bot-api/types';
import { enrollPaid } from './enroll';
import { insertBenchCourse, insertStudents } from './fixtures';
import { postPayments, preparePayments } from './payment-stream';
import { COURSE_TOKEN, SALES_TOKEN } from './stack';
import type { ProcessName, Stack } from './stack';
import { inParallel, sleep, summary, until } from './stats';

const SALES_BOT_ID = Number(SALES_TOKEN.split(':')[0]);
const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

/** CPU seconds each process used while `run` ran: the profile that says what a figure is limited by. */
export async function profiled<T>(stack: Stack, run: () => Promise<T>) {
  const before = stack.cpu();
  const started = Date.now();
  const result = await run();
  const seconds = (Date.now() - started) / 1000;
  const after = stack.cpu();
  const cores = Object.fromEntries(
    (Object.keys(after) as ProcessName[]).map((name) => [name, round((after[name] - before[name]) / seconds, 2)]),
  ) as Record<ProcessName, number>;
  return { result, profile: { seconds: round(seconds, 1), coresUsed: cores } };
}

/** First message from `botId` in each chat (by chat id), from one pass over everything the stand-in holds. */
function firstMessages(stack: Stack, botId: number, match: (m: SentMessage) => boolean) {
  const first = new Map<number, SentMessage>();
  const count = new Map<number, number>();
  for (const m of stack.telegram.sent()) {
    if (m.botId !== botId || !match(m)) continue;
    if (!first.has(m.chatId)) first.set(m.chatId, m);
    count.set(m.chatId, (count.get(m.chatId) ?? 0) + 1);
  }
  return { first, count };
}

/** 4. /start to the first reply, with `users` users writing at once. */
export async function botResponsiveness(stack: Stack, users: number) {
  const ids = Array.from({ length: users }, (_, i) => 810_000_000 + i);
  const sentAt = new Map<number, number>();
  const callsBefore = stack.telegram.calls().length;
  for (const id of ids) {
    stack.telegram.sendUserMessage({
      botToken: SALES_TOKEN,
      from: { id, first_name: `User ${id}`, language_code: 'en' },
      text: '/start',
    });
    sentAt.set(id, Date.now());
  }
  const wanted = new Set(ids);
  let replies = new Map<number, SentMessage>();
  await until('a reply to every /start', Date.now() + 120_000, () => {
    replies = firstMessages(stack, SALES_BOT_ID, (m) => wanted.has(m.chatId)).first;
    return replies.size === users;
  });
  // When the bot asked Telegram to reply (accepted or refused with 429): the bot's own handling time.
  const calls = stack.telegram.calls().slice(callsBefore);
  const firstCall = new Map<number, number>();
  for (const c of calls) {
    const chat = Number(c.params.chat_id);
    if (c.botId === SALES_BOT_ID && wanted.has(chat) && !firstCall.has(chat)) firstCall.set(chat, c.at);
  }
  return {
    users,
    firstReplyMs: summary(ids.map((id) => replies.get(id)!.at - sentAt.get(id)!)),
    botHandlingMs: summary(ids.map((id) => (firstCall.get(id) ?? Number.NaN) - sentAt.get(id)!)),
    telegram429s: calls.filter((c) => c.botId === SALES_BOT_ID && c.status === 429).length,
  };
}

/** 1. Payment webhook request to the access-granted message, at `perSecond` for `seconds`. */
export async function paymentToAccess(stack: Stack, perSecond: number, seconds: number) {
  const total = perSecond * seconds;
  const { students, webhooks } = await preparePayments(stack, 820_000_000, total);
  const { requestAt, answerMs, statuses, sentSeconds } = await postPayments(stack, webhooks, perSecond);
  const chats = new Set(students.map((s) => s.telegramId));
  let welcomes = new Map<number, SentMessage>();
  await until('every access-granted message', Date.now() + 180_000, () => {
    welcomes = firstMessages(
      stack,
      SALES_BOT_ID,
      (m) => chats.has(m.chatId) && /Payment received/.test(m.text ?? ''),
    ).first;
    return welcomes.size === total;
  });
  return {
    payments: total,
    achievedPerSecond: round(total / sentSeconds, 1),
    webhookStatus: statuses,
    webhookAnswerMs: summary(answerMs),
    paymentToAccessMs: summary(students.map((s, i) => welcomes.get(s.telegramId)!.at - requestAt[i]!)),
    journeyProfile: await historyProfile(
      stack,
      sampleIds(
        'bench-pay',
        students.map((s) => s.userId),
      ),
    ),
  };
}

/** 3. `count` concurrent journeys: start rate, memory and storage per journey. */
export async function capacity(stack: Stack, count: number) {
  await insertBenchCourse(stack.sql, { slug: 'bench-capacity', intervalMs: 86_400_000 });
  const students = await insertStudents(stack.sql, 830_000_000, count);
  await sleep(3_000);
  const memoryBefore = stack.memory();
  const storageBefore = await stack.storage();
  const t0 = Date.now();
  await inParallel(students, 64, async ({ userId }) => {
    await stack.enrollments.start({ userId, courseSlug: 'bench-capacity' });
  });
  const startedSeconds = (Date.now() - t0) / 1000;
  const recorded = async () => {
    const [{ n }] = await stack.sql<[{ n: number }]>`
      select count(*)::int as n from enrollments e join courses c on c.id = e.course_id where c.slug = 'bench-capacity'`;
    return n;
  };
  await until('every journey to open its enrollment', Date.now() + 600_000, async () => (await recorded()) === count);
  const openedSeconds = (Date.now() - t0) / 1000;
  await sleep(5_000);
  const memoryAfter = stack.memory();
  const storageAfter = await stack.storage();
  const per1000 = (name: ProcessName) => round(((memoryAfter[name] - memoryBefore[name]) / count) * 1000, 1);
  return {
    journeys: count,
    startsPerSecond: round(count / startedSeconds, 1),
    openedPerSecond: round(count / openedSeconds, 1),
    memoryMiB: Object.fromEntries(Object.entries(memoryAfter).map(([k, v]) => [k, round(v, 0)])),
    memoryMiBPer1000Journeys: {
      worker: per1000('worker'),
      temporal: per1000('temporal'),
      postgres: per1000('postgres'),
    },
    storageBytesPerJourney: {
      temporal: Math.round((storageAfter.temporal - storageBefore.temporal) / count),
      postgres: Math.round((storageAfter.postgres - storageBefore.postgres) / count),
    },
    journeyProfile: await historyProfile(
      stack,
      sampleIds(
        'bench-capacity',
        students.map((s) => s.userId),
      ),
    ),
  };
}

/**
 * 2 and 5. `count` students whose next lesson falls due together: every journey is paid and waiting for day 2 (day 1
 * is silent), then one "move to day 2" signal each makes that lesson due now, all within seconds. Measured: how fast
 * the lessons go out against the configured limit, 429s, duplicates, losses, and each lesson's lateness.
 */
export async function lessonFanOut(stack: Stack, count: number, sendsPerSecond: number) {
  await insertBenchCourse(stack.sql, { slug: 'bench-fanout', intervalMs: 86_400_000, silentDayOne: true });
  const students = await insertStudents(stack.sql, 840_000_000, count);
  // Ready when every journey has access (day 1 is silent: nothing to wait for after that).
  const setupSeconds = await enrollPaid(stack, 'bench-fanout', students, { paymentPrefix: 'fanout' });
  await sleep(3_000);

  const callsBefore = stack.telegram.calls().length;
  const due = new Map<number, number>();
  await inParallel(students, 32, async ({ userId, telegramId }) => {
    due.set(telegramId, Date.now());
    await stack.enrollments.handle({ userId, courseSlug: 'bench-fanout' }).signal('moveToDay', { day: 2 });
  });
  const dues = [...due.values()];
  const firstDue = Math.min(...dues);
  const lastDue = Math.max(...dues);
  const isLesson2 = (m: SentMessage) => due.has(m.chatId) && /^Day 2\./.test(m.text ?? '');
  const deadline = lastDue + (count / sendsPerSecond) * 2_000 + 120_000;
  let delivered = firstMessages(stack, COURSE_BOT_ID, isLesson2);
  await until('every lesson of the fan-out', deadline, () => {
    delivered = firstMessages(stack, COURSE_BOT_ID, isLesson2);
    return delivered.first.size === count;
  });
  await sleep(3_000); // anything sent twice would show up now
  delivered = firstMessages(stack, COURSE_BOT_ID, isLesson2);
  const arrivals = [...delivered.first.values()].map((m) => m.at);
  const firstAt = Math.min(...arrivals);
  const lastAt = Math.max(...arrivals);
  const calls = stack.telegram.calls().slice(callsBefore);
  const rate = (count - 1) / ((lastAt - firstAt) / 1000);
  return {
    students: count,
    setup: { seconds: round(setupSeconds, 1), dueSpreadSeconds: round((lastDue - firstDue) / 1000, 1) },
    allDeliveredSeconds: round((lastAt - firstDue) / 1000, 1),
    messagesPerSecond: round(rate, 1),
    configuredLimit: sendsPerSecond,
    shareOfLimit: round(rate / sendsPerSecond, 3),
    telegram429s: calls.filter((c) => c.status === 429).length,
    duplicates: [...delivered.count.values()].reduce((n, c) => n + (c - 1), 0),
    losses: count - delivered.first.size,
    latenessMs: summary(students.map((s) => delivered.first.get(s.telegramId)!.at - due.get(s.telegramId)!)),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Where a journey's time went, from the histories of a sample of journeys: the wait between a task being scheduled
 * and a worker picking it up (queueing: poller or server dispatch), and the time the worker held it.
 */
export async function historyProfile(stack: Stack, workflowIds: string[]) {
  const waits = { workflowTaskQueuedMs: [] as number[], workflowTaskRunMs: [] as number[] };
  const activity = { queuedMs: [] as number[], runMs: [] as number[] };
  // Round trips through the server: what each journey cost it (local activities run inside a workflow task).
  const trips = { workflowTasks: 0, activityTasks: 0, localActivities: 0, workflowTasksTimedOut: 0 };
  for (const id of workflowIds) {
    const history = await stack.client.workflow.getHandle(id).fetchHistory();
    const at = new Map<number, number>();
    for (const e of history.events ?? []) {
      const id = Number(e.eventId);
      const time = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
      at.set(id, time);
      const started = e.workflowTaskStartedEventAttributes;
      if (started) waits.workflowTaskQueuedMs.push(time - at.get(Number(started.scheduledEventId))!);
      const completed = e.workflowTaskCompletedEventAttributes;
      if (completed) waits.workflowTaskRunMs.push(time - at.get(Number(completed.startedEventId))!);
      const aStarted = e.activityTaskStartedEventAttributes;
      if (aStarted) activity.queuedMs.push(time - at.get(Number(aStarted.scheduledEventId))!);
      const aDone = e.activityTaskCompletedEventAttributes;
      if (aDone) activity.runMs.push(time - at.get(Number(aDone.startedEventId))!);
      if (completed) trips.workflowTasks++;
      // A task left waiting on a busy worker's sticky queue past its timeout, then scheduled again for any worker.
      if (e.workflowTaskTimedOutEventAttributes) trips.workflowTasksTimedOut++;
      if (e.activityTaskScheduledEventAttributes) trips.activityTasks++;
      if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') trips.localActivities++;
    }
  }
  const median = (v: number[]) => summary(v).p50;
  const p95 = (v: number[]) => summary(v).p95;
  return {
    sampledJourneys: workflowIds.length,
    perJourney: {
      workflowTasks: round(trips.workflowTasks / workflowIds.length, 1),
      activityTasks: round(trips.activityTasks / workflowIds.length, 1),
      localActivities: round(trips.localActivities / workflowIds.length, 1),
      workflowTasksTimedOut: round(trips.workflowTasksTimedOut / workflowIds.length, 1),
    },
    workflowTaskQueuedMs: { p50: median(waits.workflowTaskQueuedMs), p95: p95(waits.workflowTaskQueuedMs) },
    workflowTaskRunMs: { p50: median(waits.workflowTaskRunMs), p95: p95(waits.workflowTaskRunMs) },
    activityQueuedMs: { p50: median(activity.queuedMs), p95: p95(activity.queuedMs) },
    activityRunMs: { p50: median(activity.runMs), p95: p95(activity.runMs) },
  };
}

/** Every `step`-th journey's workflow id: a sample across the whole run. */
export function sampleIds(courseSlug: string, userIds: number[], size = 20): string[] {
  const step = Math.max(1, Math.floor(userIds.length / size));
  return userIds.filter((_, i) => i % step === 0).map((userId) => enrollmentWorkflowId({ userId, courseSlug }));
}
