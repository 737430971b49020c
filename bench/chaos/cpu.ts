import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * CPU seconds per part of the stack over a run whose processes come and go (killed workers, restarted servers):
 * every process's own time is sampled each second and the last reading of each pid is kept, so a process that died
 * still counts (up to its last second).
 */
export function cpuMeter(parts: () => Record<string, number[]>) {
  const lastTicks = new Map<string, Map<number, number>>();
  const sample = () => {
    for (const [part, pids] of Object.entries(parts())) {
      const seen = lastTicks.get(part) ?? new Map<number, number>();
      lastTicks.set(part, seen);
      for (const pid of pids) {
        const ticks = ownTicks(pid);
        if (ticks !== undefined) seen.set(pid, Math.max(ticks, seen.get(pid) ?? 0));
      }
    }
  };
  sample();
  const baseline = new Map([...lastTicks].map(([part, pids]) => [part, new Map(pids)]));
  const timer = setInterval(sample, 1_000);
  const started = Date.now();
  return {
    /** Cores used on average by each part since the meter started. */
    stop(): { seconds: number; coresUsed: Record<string, number> } {
      clearInterval(timer);
      sample();
      const seconds = (Date.now() - started) / 1000;
      const coresUsed: Record<string, number> = {};
      for (const [part, pids] of lastTicks) {
        let ticks = 0;
        for (const [pid, t] of pids) ticks += t - (baseline.get(part)?.get(pid) ?? 0);
        coresUsed[part] = Math.round((ticks / CLOCK_TICKS / seconds) * 100) / 100;
      }
      return { seconds: Math.round(seconds), coresUsed };
    },
  };
}

/** utime + stime of one process (not its children), in clock ticks. */
function ownTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
