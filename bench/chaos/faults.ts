import { COURSE_TOKEN } from '../stack';
import { sleep } from '../stats';
import type { Cluster } from './cluster';
import { seeded } from './random';
import type { ChaosSettings } from './settings';
import type { Supervised } from './supervisor';
import { INJECTED, SLOW_DELAY_MS, injectFiveXx } from './telegram-faults';

const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

export type FaultKind =
  | 'sigkill'
  | 'aimed-sigkill'
  | 'sigterm'
  | 'second-worker'
  | 'temporal-restart'
  | 'postgres-restart'
  | '429-burst'
  | 'slow-send';

export interface FaultRecord {
  kind: FaultKind;
  /** When it began (the signal, the server stopping, the first injected answer armed). */
  at: number;
  /** When it was over: a process gone, a server answering again. */
  endAt?: number;
  target?: string;
}

interface Planned {
  atFraction: number;
  run: () => Promise<void>;
}

/**
 * Drives the faults of `settings` through the window [startMs, endMs] (epoch ms), spread by a fixed seed so runs
 * compare; 5xx answers run the whole window. Resolves once every fault is over; `log` holds what happened when.
 */
export async function runFaults(
  cluster: Cluster,
  settings: ChaosSettings,
  window: { startMs: number; endMs: number },
  students: number[],
) {
  const f = settings.faults;
  const log: FaultRecord[] = [];
  const random = seeded(13);
  const { a, b } = cluster.workers;
  const record = async (kind: FaultKind, target: string | undefined, act: () => Promise<unknown>) => {
    const entry: FaultRecord = { kind, at: Date.now(), ...(target ? { target } : {}) };
    log.push(entry);
    await act();
    entry.endAt = Date.now();
  };
  const liveWorker = async () => {
    for (let i = 0; i < 150 && !a.isReady && !b.isReady; i++) await sleep(100);
    const live = [a, b].filter((w) => w.isReady);
    return live[Math.floor(random() * live.length)];
  };

  const plan: Planned[] = [];
  const spread = (n: number, from: number, to: number) =>
    Array.from({ length: n }, (_, i) => from + ((i + 0.3 + 0.4 * random()) * (to - from)) / n);
  if (f.sigterms > 0) {
    plan.push({ atFraction: 0.05, run: () => record('second-worker', 'worker-b', () => b.start()) });
    plan.push({ atFraction: 0.75, run: () => gracefulStop(b, true) });
  }
  for (let i = 1; i < f.sigterms; i++) plan.push({ atFraction: 0.45 / i, run: () => gracefulStop(a, false) });

  /** SIGTERM to a worker that is up and working (one still starting has nothing to drain). */
  async function gracefulStop(worker: Supervised, stay: boolean) {
    await worker.whenReady();
    await record('sigterm', worker.name, () => worker.kill('SIGTERM', { stay }));
  }
  for (const at of spread(f.sigkills, 0.02, 1)) {
    plan.push({
      atFraction: at,
      run: async () => {
        const worker = await liveWorker();
        if (worker) await record('sigkill', worker.name, () => worker.kill('SIGKILL'));
      },
    });
  }
  for (const at of spread(f.aimedSigkills, 0.15, 0.95)) plan.push({ atFraction: at, run: () => aimedKill() });
  for (const at of spread(f.temporalRestarts, 0.2, 0.9)) {
    plan.push({
      atFraction: at,
      run: () => record('temporal-restart', 'temporal', () => cluster.restartTemporal(1_000)),
    });
  }
  for (const at of f.postgresRestarts === 1 ? [0.55] : spread(f.postgresRestarts, 0.1, 0.95)) {
    plan.push({
      atFraction: at,
      run: () => record('postgres-restart', 'postgres', () => cluster.restartPostgres(1_500)),
    });
  }
  if (f.tooManyRequests > 0) {
    plan.push({
      atFraction: 0.62,
      run: () =>
        record('429-burst', undefined, async () => {
          const description = `Too Many Requests: retry after 2 ${INJECTED}`;
          cluster.telegram.failNext({
            method: 'sendMessage',
            errorCode: 429,
            retryAfter: 2,
            description,
            times: f.tooManyRequests,
          });
        }),
    });
  }
  for (const at of spread(f.slowSends, 0.05, 0.9)) {
    plan.push({
      atFraction: at,
      run: () =>
        record('slow-send', undefined, async () => {
          // A student's chat, so the slow call is a worker's (20 s client timeout), not a bot's reply.
          const chatId = students[Math.floor(random() * students.length)]!;
          cluster.telegram.slowNext({ method: 'sendMessage', chatId, delayMs: SLOW_DELAY_MS, times: 1 });
        }),
    });
  }

  /** SIGKILL of every worker the instant a lesson reaches Telegram: inside the send → record window by design. */
  async function aimedKill() {
    const armedAt = Date.now();
    const hit = await cluster.telegram
      .waitForMessage((m) => m.botId === COURSE_BOT_ID && m.at >= armedAt && /^Day \d+\./.test(m.text ?? ''), {
        timeoutMs: 20_000,
      })
      .catch(() => undefined);
    if (!hit) return;
    // Every worker alive (a draining one may be the sender), at once: one fault.
    const alive = [a, b].filter((w) => w.isAlive);
    const names = alive.map((w) => w.name).join('+');
    await record('aimed-sigkill', names, () => Promise.all(alive.map((worker) => worker.kill('SIGKILL'))));
  }

  const span = window.endMs - window.startMs;
  const fiveXx = injectFiveXx(cluster, f.fiveXxShare, window.endMs);
  const running: Promise<void>[] = [];
  for (const step of plan.sort((x, y) => x.atFraction - y.atFraction)) {
    const at = window.startMs + step.atFraction * span;
    if (at > Date.now()) await sleep(at - Date.now());
    running.push(step.run());
  }
  await Promise.all(running);
  await fiveXx;
  return log;
}
