import { insertBenchCourse, insertStudents } from './fixtures';
import { enrollPaid } from './enroll';
import { postPayments, preparePayments } from './payment-stream';
import { measureRush } from './rush-analysis';
import type { RushRecords } from './rush-analysis';
import { playStudent, startAtOnce, watchChats } from './rush-users';
import { historyProfile, round, sampleIds } from './scenarios';
import { startStack } from './stack';
import type { Priorities, ProcessName, Stack } from './stack';
import { inParallel, sleep, summary } from './stats';

export interface RushSizes {
  /** Lessons due together on the course bot. */
  lessons: number;
  paymentsPerSecond: number;
  paymentSeconds: number;
  /** New users sending /start to the sales bot at once, `startDelayMs` into the rush. */
  starts: number;
  /** Students using /lesson, /progress and Submit on the course bot, their first actions spread over the payments. */
  students: number;
  sendsPerSecond: number;
}

const DAY_MS = 86_400_000;
const START_DELAY_MS = 2_000;
const THINK_MS = 1_000;
const COURSES = { payers: 'bench-pay', fanOut: 'bench-rush', students: 'bench-class' };

/**
 * 6. The rush hour, once with PRIORITIES=on and once with off, each on a fresh stack, and their ratios (off / on) for
 * the headline figures.
 */
export async function rushHourBothWays(sizes: RushSizes, log: (line: string) => void) {
  const runs: Partial<Record<Priorities, Awaited<ReturnType<typeof rushHour>>>> = {};
  // BENCH_RUSH_ONLY=on (or off) runs one of the two, to look at it alone; the report needs both.
  const only = process.env.BENCH_RUSH_ONLY;
  for (const priorities of (['on', 'off'] as const).filter((p) => !only || p === only)) {
    log(`6. rush hour, PRIORITIES=${priorities}: a fresh stack`);
    const stack = await startStack(log, { priorities });
    try {
      runs[priorities] = await rushHour(stack, sizes, log);
    } finally {
      await stack.stop();
    }
    log(`6. rush hour, PRIORITIES=${priorities}: ${JSON.stringify(runs[priorities]!.headline)}`);
  }
  if (only) return { sizes, [only]: runs[only as Priorities] };
  const on = runs.on!.headline;
  const off = runs.off!.headline;
  const ratio = Object.fromEntries(
    Object.keys(on).map((k) => {
      const [a, b] = [on[k as keyof typeof on], off[k as keyof typeof off]];
      return [k, a === 0 ? (b === 0 ? 1 : null) : round(b / a, 2)];
    }),
  );
  return { sizes, on: runs.on!, off: runs.off!, ratio };
}

/**
 * Set-up first, outside the rush: `lessons` students paid and waiting for a silent day 1 to pass, `students` with day
 * 1 and its assignment delivered, and a pending order for each payment to come. Then, at t0, a "move to day 2" signal
 * each makes the lessons due together while the payments stream in, the students act and the /start burst comes.
 */
export async function rushHour(stack: Stack, sizes: RushSizes, log: (line: string) => void) {
  const payments = sizes.paymentsPerSecond * sizes.paymentSeconds;
  await insertBenchCourse(stack.sql, { slug: COURSES.payers, intervalMs: DAY_MS });
  await insertBenchCourse(stack.sql, { slug: COURSES.fanOut, intervalMs: DAY_MS, silentDayOne: true });
  const task = 'Write one line about today.';
  await insertBenchCourse(stack.sql, { slug: COURSES.students, intervalMs: DAY_MS, dayOneTask: task });
  const fanOut = await insertStudents(stack.sql, 850_000_000, sizes.lessons);
  const students = await insertStudents(stack.sql, 860_000_000, sizes.students);
  log(`set-up: ${sizes.lessons} + ${sizes.students} journeys paid, ${payments} orders`);
  const setupStarted = Date.now();
  const { students: payers, webhooks } = await preparePayments(stack, 870_000_000, payments, COURSES.payers);
  await enrollPaid(stack, COURSES.fanOut, fanOut, { paymentPrefix: 'rush' });
  await enrollPaid(stack, COURSES.students, students, { paymentPrefix: 'class', delivered: 1 });
  const setupSeconds = round((Date.now() - setupStarted) / 1000, 1);
  await sleep(3_000);

  log('the rush');
  const inbox = watchChats(stack);
  const callsBefore = stack.telegram.calls().length;
  const cpuBefore = stack.cpu();
  const t0 = Date.now();
  const dueAt = new Map<number, number>();
  const replyTimeoutMs = 120_000 + (sizes.lessons / sizes.sendsPerSecond) * 2_000;
  const records: RushRecords['actions'] = [];
  const [, paid, starts, actions] = await Promise.all([
    inParallel(fanOut, 32, async ({ userId, telegramId }) => {
      dueAt.set(telegramId, Date.now());
      await stack.enrollments.handle({ userId, courseSlug: COURSES.fanOut }).signal('moveToDay', { day: 2 });
    }),
    postPayments(stack, webhooks, sizes.paymentsPerSecond, t0),
    sleep(START_DELAY_MS).then(() => startAtOnce(stack, inbox, 880_000_000, sizes.starts, replyTimeoutMs)),
    inParallel(students, sizes.students, async ({ telegramId }, i) => {
      await sleep((i * sizes.paymentSeconds * 1000) / sizes.students);
      records.push(
        ...(await playStudent(stack, inbox, telegramId, {
          courseSlug: COURSES.students,
          thinkMs: THINK_MS,
          replyTimeoutMs,
        })),
      );
    }).then(() => records),
  ]);
  const rush: RushRecords = {
    t0,
    callsBefore,
    dueAt,
    payers: payers.map((p, i) => ({ chatId: p.telegramId, requestedAt: paid.requestAt[i]! })),
    starts,
    actions,
    students: students.map((s) => s.telegramId),
  };
  const measured = await measureRush(stack, inbox, rush, sizes, replyTimeoutMs, log);
  const seconds = (Date.now() - t0) / 1000;
  const cpu = stack.cpu();
  inbox.stop();
  const coresUsed = Object.fromEntries(
    (Object.keys(cpu) as ProcessName[]).map((name) => [name, round((cpu[name] - cpuBefore[name]) / seconds, 2)]),
  );
  const sample = (slug: string, ids: { userId: number }[]) =>
    historyProfile(
      stack,
      sampleIds(
        slug,
        ids.map((s) => s.userId),
      ),
    );
  return {
    ...measured,
    setupSeconds,
    webhookStatus: paid.statuses,
    webhookAnswerMs: summary(paid.answerMs),
    profile: {
      seconds: round(seconds, 1),
      coresUsed,
      journeys: {
        payer: await sample(COURSES.payers, payers),
        fanOut: await sample(COURSES.fanOut, fanOut),
        student: await sample(COURSES.students, students),
      },
    },
  };
}
