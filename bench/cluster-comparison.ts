import { insertBenchCourse } from './fixtures';
import { capacity, paymentToAccess, profiled } from './scenarios';
import { startStack } from './stack';
import type { ProcessName, StackOptions } from './stack';
import { formatTable } from './tables';

export interface ClusterComparisonSettings {
  paymentsPerSecond: number;
  paymentSeconds: number;
  journeys: number;
}

const TARGETS: { name: string; temporal: NonNullable<StackOptions['temporal']> }[] = [
  { name: 'dev server (SQLite)', temporal: { kind: 'dev' } },
  { name: 'cluster, 1 history process', temporal: { kind: 'cluster', historyProcesses: 1 } },
  { name: 'cluster, 2 history processes', temporal: { kind: 'cluster', historyProcesses: 2 } },
];

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * `npm run bench -- --cluster`: payment → access and capacity on the dev server, then on the Temporal cluster on
 * Postgres (infra/temporal-cluster.ts) with one and with two history processes, one after another in one sitting,
 * each on a fresh stack. CPU per process tree; the cluster's persistence work shows under Postgres.
 */
export async function clusterComparison(settings: ClusterComparisonSettings, log: (line: string) => void) {
  const runs = [];
  for (const target of TARGETS) {
    log(`cluster comparison: ${target.name}`);
    const stack = await startStack(log, { temporal: target.temporal });
    try {
      await insertBenchCourse(stack.sql, { slug: 'bench-pay', intervalMs: 86_400_000 });
      const payments = await profiled(stack, () =>
        paymentToAccess(stack, settings.paymentsPerSecond, settings.paymentSeconds),
      );
      const journeys = await profiled(stack, () => capacity(stack, settings.journeys));
      const paid = payments.result.payments;
      const cpuPerJourney = (name: ProcessName) =>
        round((payments.profile.coresUsed[name] * payments.profile.seconds) / paid, 3);
      runs.push({
        target: target.name,
        paymentToAccess: { ...payments.result, profile: payments.profile },
        capacity: { ...journeys.result, profile: journeys.profile },
        cpuSecondsPerPaidJourney: {
          temporal: cpuPerJourney('temporal'),
          postgres: cpuPerJourney('postgres'),
          worker: cpuPerJourney('worker'),
        },
      });
    } finally {
      await stack.stop();
    }
  }
  return runs;
}

export function clusterComparisonTable(runs: Awaited<ReturnType<typeof clusterComparison>>): string {
  return formatTable([
    ['Temporal', 'payment → access', 'server CPU s / paid journey', 'cores used (temporal, pg, worker)', 'capacity'],
    ...runs.map((r) => {
      const p = r.paymentToAccess;
      const c = r.paymentToAccess.profile.coresUsed;
      return [
        r.target,
        `p50 ${p.paymentToAccessMs.p50} ms, p99 ${p.paymentToAccessMs.p99} (at ${p.achievedPerSecond}/s)`,
        `temporal ${r.cpuSecondsPerPaidJourney.temporal}, pg ${r.cpuSecondsPerPaidJourney.postgres}`,
        `${c.temporal}, ${c.postgres}, ${c.worker}`,
        `${r.capacity.journeys} journeys, ${r.capacity.startsPerSecond} starts/s`,
      ];
    }),
  ]);
}
