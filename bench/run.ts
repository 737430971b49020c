import path from 'node:path';
import { insertBenchCourse } from './fixtures';
import { writeResults } from './results-file';
import { rushHourBothWays } from './rush-hour';
import { clusterComparison, clusterComparisonTable } from './cluster-comparison';
import { broadcastBench } from './broadcast';
import { botResponsiveness, capacity, lessonFanOut, paymentToAccess, profiled } from './scenarios';
import { startStack } from './stack';
import { formatTable, rushHourTable } from './tables';

/**
 * `npm run bench`: the seven benchmarks against the real stack, one after another, printing a table and writing
 * bench/results/latest.json. `npm run bench -- --quick` runs them small, to check the runner itself. Benchmarks 1-5
 * share one stack; the rush hour (6) starts two of its own, one with PRIORITIES=on and one with off.
 */
const quick = process.argv.includes('--quick');
const env = (name: string, full: number, small: number) => Number(process.env[name] ?? (quick ? small : full));
const settings = {
  paymentsPerSecond: env('BENCH_PAYMENTS_PER_SECOND', 20, 5),
  paymentSeconds: env('BENCH_PAYMENT_SECONDS', 60, 5),
  journeys: env('BENCH_JOURNEYS', 10_000, 300),
  fanOut: env('BENCH_FANOUT', 3_000, 100),
  users: env('BENCH_USERS', 200, 30),
  sendsPerSecond: Number(process.env.BENCH_SENDS_PER_SECOND ?? 28),
  rush: {
    lessons: env('BENCH_RUSH_LESSONS', 3_000, 150),
    paymentsPerSecond: env('BENCH_RUSH_PAYMENTS_PER_SECOND', 10, 2),
    paymentSeconds: env('BENCH_RUSH_PAYMENT_SECONDS', 60, 10),
    starts: env('BENCH_RUSH_STARTS', 200, 20),
    students: env('BENCH_RUSH_STUDENTS', 100, 10),
  },
  // Above Telegram's ~30/s (20,000 at 28/s would take 12 minutes): the stand-in's bot limit is raised to match.
  broadcast: {
    recipients: env('BENCH_BROADCAST_RECIPIENTS', 20_000, 500),
    sendsPerSecond: env('BENCH_BROADCAST_SENDS_PER_SECOND', 100, 100),
    // Phase 2: lessons falling due during a second broadcast (0: skip it).
    lessons: env('BENCH_BROADCAST_LESSONS', 1_000, 100),
  },
};
const log = (line: string) => console.log(`[bench] ${line}`);
/** BENCH_ONLY=1,3 runs only those benchmarks (numbered as in docs/benchmarks.md); `broadcast` is 7. */
const NAMES: Record<string, string> = { broadcast: '7' };
const only = new Set((process.env.BENCH_ONLY ?? '1,2,3,4,5,6,7').split(',').map((n) => NAMES[n.trim()] ?? n.trim()));

async function main(): Promise<void> {
  const started = Date.now();
  if (process.argv.includes('--cluster')) return compareClusters(started);
  log(`settings: ${JSON.stringify(settings)}`);
  const results: Record<string, unknown> = {};
  const shared = ['1', '2', '3', '4', '5'].some((n) => only.has(n));
  if (shared) await sharedStack(results);
  if (only.has('6')) {
    const sizes = { ...settings.rush, sendsPerSecond: settings.sendsPerSecond };
    log(`6. rush hour, PRIORITIES on then off: ${JSON.stringify(sizes)}`);
    results.rushHour = await rushHourBothWays(sizes, log);
  }

  if (only.has('7')) {
    log(`7. broadcast: ${JSON.stringify(settings.broadcast)}`);
    results.broadcast = await broadcastBench(settings.broadcast, log);
    print(results.broadcast);
  }

  // A run of the broadcast alone keeps its own file, so it does not replace the figures of a full run.
  const alone = only.size === 1 && only.has('7');
  const { file, report } = await writeResults(quick ? 'quick' : alone ? 'broadcast' : 'latest', started, {
    settings,
    results,
  });
  if (shared) console.log(`\n${table(report.results)}\n`);
  if ((results.rushHour as { ratio?: unknown } | undefined)?.ratio)
    console.log(`${rushHourTable(results.rushHour as Parameters<typeof rushHourTable>[0])}\n`);
  log(`done in ${report.totalSeconds} s; figures in ${path.relative(process.cwd(), file)}`);
}

/** Benchmarks 1-5, on one stack. */
async function sharedStack(results: Record<string, unknown>): Promise<void> {
  const stack = await startStack(log);
  try {
    await insertBenchCourse(stack.sql, { slug: 'bench-pay', intervalMs: 86_400_000 });

    if (only.has('4')) {
      log(`4. bot responsiveness: ${settings.users} users send /start at once`);
      results.botResponsiveness = await profiled(stack, () => botResponsiveness(stack, settings.users));
      print(results.botResponsiveness);
    }

    if (only.has('1')) {
      log(`1. payment to access: ${settings.paymentsPerSecond}/s for ${settings.paymentSeconds} s`);
      results.paymentToAccess = await profiled(stack, () =>
        paymentToAccess(stack, settings.paymentsPerSecond, settings.paymentSeconds),
      );
      print(results.paymentToAccess);
    }

    if (only.has('3')) {
      log(`3. capacity: ${settings.journeys} concurrent journeys`);
      results.capacity = await profiled(stack, () => capacity(stack, settings.journeys));
      print(results.capacity);
    }

    if (only.has('2') || only.has('5')) {
      log(`2 and 5. lesson fan-out: ${settings.fanOut} lessons due together (with the journeys above resident)`);
      results.lessonFanOut = await profiled(stack, () => lessonFanOut(stack, settings.fanOut, settings.sendsPerSecond));
      print(results.lessonFanOut);
    }
  } finally {
    await stack.stop();
  }
}

/**
 * `npm run bench -- --cluster`: payment → access and capacity on the dev server and on the Temporal cluster with one
 * and two history processes (bench/cluster-comparison.ts); figures in bench/results/cluster.json.
 */
async function compareClusters(started: number): Promise<void> {
  const clusterSettings = {
    paymentsPerSecond: env('BENCH_CLUSTER_PAYMENTS_PER_SECOND', 5, 2),
    paymentSeconds: env('BENCH_CLUSTER_PAYMENT_SECONDS', 30, 5),
    journeys: env('BENCH_CLUSTER_JOURNEYS', 2_000, 100),
  };
  log(`cluster comparison: ${JSON.stringify(clusterSettings)}`);
  const runs = await clusterComparison(clusterSettings, log);
  const { file, report } = await writeResults(quick ? 'cluster-quick' : 'cluster', started, {
    settings: clusterSettings,
    results: { runs },
  });
  console.log(`\n${clusterComparisonTable(runs)}\n`);
  log(`done in ${report.totalSeconds} s; figures in ${path.relative(process.cwd(), file)}`);
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 1).replace(/\n\s*/g, ' '));
}

/** The headline figures, one row per benchmark. */
function table(results: Record<string, unknown>): string {
  const r = results as Record<string, { result: Record<string, unknown> }>;
  const b1 = r.paymentToAccess?.result as { paymentToAccessMs: Stat; achievedPerSecond: number } | undefined;
  const b2 = r.lessonFanOut?.result as
    | {
        students: number;
        allDeliveredSeconds: number;
        messagesPerSecond: number;
        configuredLimit: number;
        telegram429s: number;
        duplicates: number;
        losses: number;
        latenessMs: Stat;
      }
    | undefined;
  const b3 = r.capacity?.result as
    { journeys: number; startsPerSecond: number; memoryMiBPer1000Journeys: Record<string, number> } | undefined;
  const b4 = r.botResponsiveness?.result as { firstReplyMs: Stat; botHandlingMs: Stat } | undefined;
  const rows = [
    ['benchmark', 'figure', 'goal'],
    [
      '1 payment → access',
      b1
        ? `p50 ${b1.paymentToAccessMs.p50} ms, p95 ${b1.paymentToAccessMs.p95}, p99 ${b1.paymentToAccessMs.p99} (at ${b1.achievedPerSecond}/s)`
        : '-',
      'p99 ≤ 250 ms',
    ],
    [
      '2 lesson fan-out',
      b2
        ? `${b2.students} in ${b2.allDeliveredSeconds} s, ${b2.messagesPerSecond} msg/s of ${b2.configuredLimit}, 429s ${b2.telegram429s}, dup ${b2.duplicates}, lost ${b2.losses}`
        : '-',
      '≥ 90% of limit, 0/0/0',
    ],
    [
      '3 capacity',
      b3
        ? `${b3.journeys} journeys, ${b3.startsPerSecond} starts/s, MiB per 1000: worker ${b3.memoryMiBPer1000Journeys.worker}, temporal ${b3.memoryMiBPer1000Journeys.temporal}, pg ${b3.memoryMiBPer1000Journeys.postgres}`
        : '-',
      '≥ 100 starts/s',
    ],
    [
      '4 /start → reply',
      b4 ? `p50 ${b4.firstReplyMs.p50} ms, p99 ${b4.firstReplyMs.p99} (bot handling p99 ${b4.botHandlingMs.p99})` : '-',
      'p99 ≤ 150 ms',
    ],
    ['5 lesson lateness', b2 ? `p50 ${b2.latenessMs.p50} ms, p99 ${b2.latenessMs.p99}` : '-', 'old: up to 300 s'],
  ];
  return formatTable(rows);
}

interface Stat {
  p50: number;
  p95: number;
  p99: number;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
