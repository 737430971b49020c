import { CHAOS_COURSE, startCluster } from './cluster';
import type { Cluster } from './cluster';
import { analyze } from './analyze';
import { countJourneys, recordGaps } from './count';
import { cpuMeter } from './cpu';
import { historyProfile } from './histories';
import { runFaults } from './faults';
import { insertChaosCourse, payAll, prepareJourneys } from './journeys';
import type { Journey } from './journeys';
import type { PhaseResult } from './report';
import type { ChaosSettings } from './settings';
import { blockAndReturn, chatter } from './students';
import { COURSE_TOKEN, SALES_TOKEN } from '../stack';
import { sleep } from '../stats';

/**
 * One run on a stack of its own: every journey paid over `arrivalSeconds` while the faults of `settings` play out,
 * then waiting until each journey has ended as it should (or a deadline passed), then counting.
 */
export async function runPhase(settings: ChaosSettings, logDir: string, log: (line: string) => void) {
  const started = Date.now();
  const cluster = await startCluster(log, logDir);
  try {
    await insertChaosCourse(cluster.sql, settings);
    const journeys = await prepareJourneys(cluster.sql, settings, cluster.httpUrl);
    const meter = cpuMeter(cluster.pids);
    const stopChatter = chatter(cluster, 500);
    const t0 = Date.now();
    const arrivalEnd = t0 + settings.arrivalSeconds * 1000;
    const window = { startMs: t0 + 5_000, endMs: arrivalEnd + (settings.lessons - 2) * settings.intervalMs };
    log(`${journeys.length} journeys; faults until t+${Math.round((window.endMs - t0) / 1000)} s`);
    let waiting = true;
    const students = blockAndReturn(cluster, journeys, settings.intervalMs, () => waiting);
    const [, faults] = await Promise.all([
      payAll(journeys, cluster.httpUrl, settings.arrivalSeconds),
      runFaults(
        cluster,
        settings,
        window,
        journeys.filter((j) => j.role === 'regular').map((j) => j.telegramId),
      ),
    ]);
    log(`payments and faults done at t+${Math.round((Date.now() - t0) / 1000)} s; waiting for journeys to end`);
    const lastDue = arrivalEnd + (settings.lessons + 2) * settings.intervalMs;
    await untilEnded(cluster, journeys, lastDue + settings.patienceSeconds * 1000, log);
    waiting = false;
    await students;
    await sleep(3_000); // a copy sent late would show up now
    await stopChatter();
    const botsAnsweredAfterwards = await botsAnswer(cluster);
    const profile = meter.stop();
    const counts = await countJourneys(cluster, journeys, settings);
    const figures = analyze({
      settings,
      t0,
      journeys,
      counts,
      faults,
      calls: cluster.telegram.calls(),
      records: await recordGaps(cluster),
    });
    // What Telegram saw of each chat that got a message twice for no reason the run knows: for the investigation.
    const suspects = new Set(figures.duplicates.filter((d) => d.cause === 'unexplained').map((d) => d.telegramId));
    const suspectCalls = cluster.telegram
      .calls()
      .filter((c) => suspects.has(Number(c.params.chat_id)))
      .map((c) => ({
        chat: c.params.chat_id,
        bot: c.botId,
        method: c.method,
        atS: round((c.at - t0) / 1000),
        status: c.status,
        description: c.description,
      }));
    const result: PhaseResult = {
      suspectCalls,
      figures,
      unexpectedExits: cluster.processes.flatMap((p) => p.unexpected.map(({ output: _, ...exit }) => exit)),
      botsAnsweredAfterwards,
      webhookTries: {
        max: Math.max(...journeys.map((j) => j.webhookTries)),
        retried: journeys.filter((j) => j.webhookTries > 1).length,
      },
      profile: { ...profile, histories: await historyProfile(cluster, journeys) },
      faults: faults.map((f) => ({
        kind: f.kind,
        atS: round((f.at - t0) / 1000),
        ...(f.endAt ? { forS: round((f.endAt - f.at) / 1000) } : {}),
        ...(f.target ? { target: f.target } : {}),
      })),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    for (const p of cluster.processes)
      for (const exit of p.unexpected) log(`${exit.name} exited (${exit.code ?? exit.signal}):\n${exit.output}`);
    return result;
  } finally {
    await cluster.stop();
  }
}

/** Until every journey's stage in Postgres is where it should end: completed, or blocked for good. */
async function untilEnded(cluster: Cluster, journeys: Journey[], deadline: number, log: (line: string) => void) {
  const want = new Map(journeys.map((j) => [j.telegramId, j.role === 'blocker' ? 'blocked' : 'completed']));
  let missing = journeys.length;
  while (Date.now() < deadline) {
    const rows = await cluster.sql<{ telegramId: number; stage: string }[]>`
      select u.telegram_id, e.stage::text as stage from enrollments e
      join users u on u.id = e.user_id join courses c on c.id = e.course_id where c.slug = ${CHAOS_COURSE}`.catch(
      () => [],
    );
    missing = journeys.length - rows.filter((r) => want.get(Number(r.telegramId)) === r.stage).length;
    if (missing === 0) return;
    await sleep(1_000);
  }
  log(`gave up waiting: ${missing} journey(s) did not end as expected`);
}

/** A new visitor writes to both bots after everything: each answers within 15 s. */
async function botsAnswer(cluster: Cluster): Promise<boolean> {
  const from = { id: 889_999_999, first_name: 'Late', language_code: 'en' };
  cluster.telegram.sendUserMessage({ botToken: SALES_TOKEN, from, text: '/start' });
  cluster.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, text: '/help' });
  return cluster.telegram
    .waitFor(() => new Set(cluster.telegram.sent(from.id).map((m) => m.botId)).size === 2, { timeoutMs: 15_000 })
    .then(
      () => true,
      () => false,
    );
}

const round = (x: number) => Math.round(x * 10) / 10;
